/**
 * Review step: lockfiles the change touched (npm's, yarn's classic and berry, pnpm's, bun's), each read at both ends
 * with its format's reader and analysed; only what the change introduced is kept (lock-diff.ts), located at the
 * package's entry in the new lockfile. A lockfile whose head cannot be read is a notice and its package.json
 * additions are judged as names; a base that cannot be read locked nothing, so every finding at head is new.
 */
import { posix } from 'node:path';
import { analyze, type Analysis } from '../analysis/analyze.js';
import { InputError, isInputError } from '../errors.js';
import { entryLines } from '../report/entry-lines.js';
import type { FileSource } from '../tree/files.js';
import { loadProject } from '../tree/load.js';
import type { Side } from './change.js';
import { folderOf, type StepContext, type StepResult } from './context.js';
import { introducedFindings } from './lock-diff.js';
import { addResults, emptyResult } from './merge.js';

const LOCKFILE = /(^|\/)(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lockb?)$/;

export interface LockfileResult extends StepResult {
  /** Folders whose lockfile was checked: their package.json additions are covered by it. */
  readonly lockedDirs: ReadonlySet<string>;
}

export async function lockfileStep(context: StepContext): Promise<LockfileResult> {
  const { change } = context;
  let result: StepResult = emptyResult(context.options.offline);
  const lockedDirs = new Set<string>();
  for (const lockfile of changedLockfiles(context)) {
    if (change.hunksOnly(lockfile)) {
      throw new InputError(
        'the diff changes it, but neither end of it can be rebuilt (the working tree holds no copy that matches the diff): run review where the change is checked out, or with git',
        lockfile,
      );
    }
    const atHead = await analyzeAt(context, lockfile, 'head');
    if (!atHead) continue;
    lockedDirs.add(folderOf(lockfile));
    const atBase = await analyzeAt(context, lockfile, 'base');
    const lines = entryLines(atHead.analysis.tree, atHead.text);
    const findings = introducedFindings(atBase?.analysis, atHead.analysis).map((finding) => ({
      finding,
      location: { uri: lockfile, line: lines.get(finding.package.location) ?? 1 },
    }));
    result = addResults(result, { findings, registry: atHead.analysis.registry, allowed: atHead.analysis.result.allowed });
  }
  return { ...result, lockedDirs };
}

/**
 * The lockfiles the change touched, and those of the folders (and above) of each changed patch file (`.patch`), which
 * may name it in `patchedDependencies` or a `patch:` locator while the lockfile itself stays as it was.
 */
function changedLockfiles({ change }: StepContext): string[] {
  const lockfiles = change.changed.filter((path) => LOCKFILE.test(path) && !path.includes('node_modules/'));
  for (const patch of change.changed.filter((path) => path.endsWith('.patch') && !path.includes('node_modules/'))) {
    for (let dir = posix.dirname(patch); ; dir = posix.dirname(dir)) {
      const folder = dir === '.' ? '' : dir;
      for (const name of ['pnpm-lock.yaml', 'yarn.lock', 'bun.lock']) {
        const lockfile = posix.join(folder, name);
        if (!lockfiles.includes(lockfile) && change.read(lockfile, 'head') !== undefined) lockfiles.push(lockfile);
      }
      if (folder === '') break;
    }
  }
  return lockfiles;
}

/** One end of a changed lockfile, read as that lockfile (not whichever the folder's package manager would pick). */
async function analyzeAt(context: StepContext, lockfile: string, side: Side): Promise<{ analysis: Analysis; text: string } | undefined> {
  const { change, options } = context;
  const dir = folderOf(lockfile);
  const text = change.read(lockfile, side);
  if (text === undefined) return undefined; // added (no base) or deleted (no head) by the change
  const files: FileSource = { dir: posix.join(options.files.dir, dir), readText: (path) => change.read(posix.join(dir, path), side) };
  try {
    const project = await loadProject(files, { nodeModules: false, lockfile: posix.basename(lockfile) });
    return { analysis: await analyze(project.tree, context.policy, options), text };
  } catch (error) {
    if (!isInputError(error)) throw error;
    if (side === 'head') context.notices.push({ file: lockfile, message: `not checked as a lockfile: ${error.message}` });
    return undefined;
  }
}
