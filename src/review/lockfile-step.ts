/**
 * Review step: lockfiles the change touched, analysed at both ends; only findings the head has and the base
 * did not are kept, located at the package's entry in the new lockfile.
 */
import { posix } from 'node:path';
import { analyze, type Analysis } from '../analysis/analyze.js';
import { InputError, isInputError } from '../errors.js';
import { objectKeyLines, pointerToken } from '../report/json-lines.js';
import type { FileSource } from '../tree/files.js';
import { loadProject } from '../tree/load.js';
import type { Side } from './change.js';
import { findingKey, folderOf, type StepContext, type StepResult } from './context.js';
import { addResults, emptyResult } from './merge.js';

const LOCKFILE = /(^|\/)(package-lock|npm-shrinkwrap)\.json$/;

export interface LockfileResult extends StepResult {
  /** Folders whose lockfile was checked: their package.json additions are covered by it. */
  readonly lockedDirs: ReadonlySet<string>;
}

export async function lockfileStep(context: StepContext): Promise<LockfileResult> {
  const { change } = context;
  let result: StepResult = emptyResult(context.options.offline);
  const lockedDirs = new Set<string>();
  for (const lockfile of change.changed.filter((path) => LOCKFILE.test(path))) {
    if (change.hunksOnly(lockfile)) {
      throw new InputError(
        'the diff changes it, but neither end of it can be rebuilt (the working tree holds no copy that matches the diff): run review where the change is checked out, or with git',
        lockfile,
      );
    }
    const dir = folderOf(lockfile);
    const atHead = await analyzeAt(context, dir, 'head');
    if (!atHead) continue;
    lockedDirs.add(dir);
    const atBase = await analyzeAt(context, dir, 'base');
    const before = new Set(atBase?.result.findings.map(findingKey));
    const lines = objectKeyLines(change.read(lockfile, 'head') ?? '');
    const findings = atHead.result.findings
      .filter((finding) => !before.has(findingKey(finding)))
      .map((finding) => ({ finding, location: { uri: lockfile, line: lines.get(`packages/${pointerToken(finding.package.location)}`) ?? 1 } }));
    result = addResults(result, { findings, registry: atHead.registry, allowed: atHead.result.allowed });
  }
  return { ...result, lockedDirs };
}

async function analyzeAt(context: StepContext, dir: string, side: Side): Promise<Analysis | undefined> {
  const { change, options } = context;
  const files: FileSource = { dir: posix.join(options.files.dir, dir), readText: (path) => change.read(posix.join(dir, path), side) };
  try {
    const project = await loadProject(files, { nodeModules: false });
    return await analyze(project.tree, context.policy, options);
  } catch (error) {
    if (!isInputError(error)) throw error;
    if (side === 'head') context.notices.push({ file: posix.join(dir, 'package-lock.json'), message: `not checked as a lockfile: ${error.message}` });
    return undefined;
  }
}
