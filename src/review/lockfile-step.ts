/**
 * Review step: lockfiles the change touched (npm's, yarn's classic and berry, pnpm's, bun's), each read at both ends
 * with its format's reader and analysed; only what the change introduced is kept (lock-diff.ts), located at the
 * package's entry in the new lockfile. A lockfile whose head cannot be read is a notice and its package.json
 * additions are judged as names; a base that cannot be read locked nothing, so every finding at head is new. A
 * lockfile the change deletes, leaving its project none, is a finding of its own (deletionOf).
 */
import { posix } from 'node:path';
import { analyze, type Analysis } from '../analysis/analyze.js';
import { InputError, isInputError } from '../errors.js';
import { entryLines } from '../report/entry-lines.js';
import type { FileSource } from '../tree/files.js';
import type { DependencyTree } from '../tree/model.js';
import { packageCount } from '../tree/paths.js';
import type { Finding } from '../findings/model.js';
import { loadProject } from '../tree/load.js';
import { ALL_LOCKFILES, declaredManager, lockfilesOf } from '../tree/other-lockfiles.js';
import { createNode, finishTree, type TreeSource } from '../tree/build.js';
import { isRecord, type JsonRecord } from '../tree/shape.js';
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
    if (change.read(lockfile, 'head') === undefined) {
      const deleted = await deletionOf(context, lockfile);
      if (deleted) result = addResults(result, deleted);
      continue;
    }
    const atHead = await analyzeAt(context, lockfile, 'head');
    if (!atHead) continue;
    lockedDirs.add(folderOf(lockfile));
    const atBase = await analyzeAt(context, lockfile, 'base');
    const lines = entryLines(atHead.analysis.tree, atHead.text);
    const changedPatch = changedPatchFiles(context, lockfile, atHead.analysis.tree);
    const findings = introducedFindings(atBase?.analysis, atHead.analysis).map((finding) => ({
      finding,
      location: changedPatch(finding) ?? { uri: lockfile, line: lines.get(finding.package.location) ?? 1 },
    }));
    result = addResults(result, {
      findings,
      registry: atHead.analysis.registry,
      allowed: atHead.analysis.result.allowed,
      packages: packageCount(atHead.analysis.tree),
      formats: [atHead.analysis.tree.format],
    });
  }
  return { ...result, lockedDirs };
}

/**
 * A patch finding whose patch file the change added or edited points at that file, the line a pull request shows
 * (its lockfile entry may be unchanged: bun's lockfile stays as it was when its patch changes).
 */
function changedPatchFiles({ change }: StepContext, lockfile: string, tree: DependencyTree): (finding: Finding) => { uri: string; line: number } | undefined {
  const folder = folderOf(lockfile);
  const byFile = new Map((tree.patches ?? []).map((patch) => [patch.path || patch.file, posix.join(folder, patch.path)]));
  return (finding) => {
    if (finding.rule !== 'patched-dependency' || !('file' in finding.detail)) return undefined;
    const path = byFile.get(finding.detail.file);
    return path !== undefined && change.changed.includes(path) ? { uri: path, line: 1 } : undefined;
  };
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

/**
 * A lockfile the change deletes. When its project stays and keeps no other lockfile its manager reads, the next
 * install resolves every dependency anew, unchecked: a lockfile-out-of-sync finding (lockfile-deleted) at its
 * package.json, judged under the policy like any other. A project removed with it, or one that keeps (or gains)
 * another lockfile, is not: that lockfile is what gets installed, checked here when the change touches it.
 */
async function deletionOf(context: StepContext, lockfile: string): Promise<StepResult | undefined> {
  const { change, options } = context;
  const dir = folderOf(lockfile);
  const manifestPath = posix.join(dir, 'package.json');
  const manifestText = change.read(manifestPath, 'head');
  const manifest = manifestText === undefined ? undefined : parseManifest(manifestText);
  // No package.json at head: nothing is installed there. One that is not JSON: the manifest step says so.
  if (!manifest) return undefined;
  const manager = declaredManager(manifest);
  const read = manager === undefined ? ALL_LOCKFILES : lockfilesOf(manager);
  if (read.some((name) => change.read(posix.join(dir, name), 'head') !== undefined)) return undefined;
  const dependencies = INSTALLED_FIELDS.reduce((count, field) => count + (isRecord(manifest[field]) ? Object.keys(manifest[field]).length : 0), 0);
  const tree = projectAlone(manifest, { format: 'names', sourceFile: manifestPath, projectDir: posix.join(options.files.dir, dir) });
  const analysis = await analyze({ ...tree, deletedLockfile: { lockfile, manifest: manifestPath, dependencies } }, context.policy, options);
  return {
    findings: analysis.result.findings.map((finding) => ({ finding, location: { uri: manifestPath, line: 1 } })),
    registry: analysis.registry,
    allowed: analysis.result.allowed,
  };
}

const INSTALLED_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;

/** The project alone, nothing locked under it: what a deleted lockfile leaves to judge. */
function projectAlone(manifest: JsonRecord, source: TreeSource): DependencyTree {
  const name = typeof manifest.name === 'string' ? manifest.name : '';
  const version = typeof manifest.version === 'string' ? manifest.version : undefined;
  return finishTree(new Map([['', createNode({ location: '', installName: name, name, version })]]), new Map(), source);
}

function parseManifest(text: string): JsonRecord | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
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
