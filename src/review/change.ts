/**
 * What a change is, for the review steps: which files it touches and their text at either end, read from git
 * (base..head or the working tree) or from a unified diff plus the working tree's copy of each file.
 */
import { posix } from 'node:path';
import type { FileSource } from '../tree/files.js';
import type { GitRepo } from './git.js';
import { applyHunks, type DiffFile, type Hunk } from '../text/unified-diff.js';

export type Side = 'base' | 'head';

export interface ChangeReader {
  /** Every file the change touches, relative to the repository root. */
  readonly changed: readonly string[];
  /** A file's text at one end of the change, or undefined when it does not exist there. */
  read(path: string, side: Side): string | undefined;
  /**
   * For a changed file whose two ends cannot be rebuilt (a diff without a matching copy of the file): the
   * diff's hunks, the only evidence there is. Undefined when `read` knows both ends.
   */
  hunksOnly(path: string): { readonly hunks: readonly Hunk[]; readonly added: DiffFile['added'] } | undefined;
  /** The package.json files whose declarations apply to changed code (all of them, when git can list them). */
  manifests(): readonly string[];
}

/** What `review` needs to read the change: from git (base..head or the working tree), or from a unified diff. */
export type ChangeSource =
  | { readonly kind: 'git'; readonly repo: GitRepo; readonly base: string; readonly head: string | undefined; readonly workingTree: FileSource }
  | { readonly kind: 'diff'; readonly files: readonly DiffFile[]; readonly workingTree: FileSource };

export function changeReader(change: ChangeSource): ChangeReader {
  return change.kind === 'git' ? gitChange(change) : diffChange(change.files, change.workingTree);
}

function gitChange({ repo, base, head, workingTree }: Extract<ChangeSource, { kind: 'git' }>): ChangeReader {
  const readWorkingTree = (file: string) => workingTree.readText(file);
  return {
    changed: repo.changedFiles(base, head),
    read: (path, side) => repo.show(path, side === 'base' ? base : head, readWorkingTree),
    hunksOnly: () => undefined,
    manifests: () => repo.manifests(head),
  };
}

interface Ends {
  readonly base: string | undefined;
  readonly head: string | undefined;
}

/**
 * A diff's files at both ends: a new or deleted file is whole in the diff; otherwise the working tree's copy
 * is one end (the diff applied or not) and the hunks give the other. Files the diff does not touch are the
 * same at both ends.
 */
function diffChange(files: readonly DiffFile[], workingTree: FileSource): ChangeReader {
  const byPath = new Map(files.map((file) => [file.path, file]));
  const ends = new Map<string, Ends | undefined>();
  const endsOf = (file: DiffFile): Ends | undefined => {
    if (!ends.has(file.path)) ends.set(file.path, rebuild(file, workingTree.readText(file.path)));
    return ends.get(file.path);
  };
  const read = (path: string, side: Side): string | undefined => {
    const file = byPath.get(path);
    return file ? endsOf(file)?.[side] : workingTree.readText(path);
  };
  return {
    changed: files.map((file) => file.path),
    read,
    hunksOnly(path) {
      const file = byPath.get(path);
      return file && !endsOf(file) ? { hunks: file.hunks, added: file.added } : undefined;
    },
    manifests() {
      // Without git to list them: the package.json of every folder a changed file is in, and above it.
      const candidates = new Set<string>();
      for (const path of byPath.keys()) {
        for (let folder = posix.dirname(path); ; folder = posix.dirname(folder)) {
          candidates.add(folder === '.' ? 'package.json' : `${folder}/package.json`);
          if (folder === '.' || folder === '/') break;
        }
      }
      return [...candidates].filter((path) => read(path, 'head') !== undefined);
    },
  };
}

function rebuild(file: DiffFile, copy: string | undefined): Ends | undefined {
  if (file.status === 'added') {
    const head = applyHunks('', file.hunks, 'old');
    return head === undefined ? undefined : { base: undefined, head };
  }
  if (file.status === 'deleted') {
    const base = applyHunks('', file.hunks, 'new');
    return base === undefined ? undefined : { base, head: undefined };
  }
  if (copy === undefined) return undefined;
  const base = applyHunks(copy, file.hunks, 'new');
  if (base !== undefined) return { base, head: copy };
  const head = applyHunks(copy, file.hunks, 'old');
  if (head !== undefined) return { base: copy, head };
  return undefined;
}
