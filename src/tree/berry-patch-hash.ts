import { createHash } from 'node:crypto';
import { posix } from 'node:path';

/**
 * The `hash=` yarn berry writes in a `patch:` locator, recomputed from the patch file, or undefined when it cannot be
 * recomputed exactly. Measured on yarn 4.18.1 (@yarnpkg/cli-dist, plugin-patch's `getPatchHash` and `parsePatchFile`):
 * yarn parses each patch file of the locator into parts, drops each part's `semverExclusivity` (and the parts whose
 * exclusivity the package's version does not satisfy), and takes the first 6 hex digits of the sha512 of `"3"` (its
 * patch cache version) followed by the JSON of every part. It reproduces the fixtures' hash (scripts/
 * make-lockfile-fixtures.mjs, `yarn patch-commit -s`). Written by hand because yarn's parser ships only inside yarn
 * (@yarnpkg/plugin-patch needs @yarnpkg/core); ported line for line, so the JSON has yarn's keys in yarn's order.
 * Not recomputed: a locator with several files or a yarn builtin patch (the caller passes one file only), a part with
 * a `semver exclusivity` line (yarn's own prerelease-aware range test would have to be ported too), and a file yarn
 * itself cannot parse (its install fails on it anyway).
 */
export function berryPatchHash(text: string): string | undefined {
  let parts: Record<string, unknown>[];
  try {
    parts = patchParts(text);
  } catch {
    return undefined;
  }
  if (parts.some((part) => part.semverExclusivity !== null)) return undefined;
  const json = parts.map(({ semverExclusivity: _, ...part }) => JSON.stringify(part)).join('');
  return createHash('sha512').update(`3${json}`).digest('hex').slice(0, 6);
}

interface Part {
  type: 'context' | 'deletion' | 'insertion';
  lines: string[];
  noNewlineAtEndOfFile: boolean;
}
interface Hunk {
  header: { original: { start: number; length: number }; patched: { start: number; length: number } };
  parts: Part[];
}
type FileDiff = ReturnType<typeof emptyFile>;

const emptyFile = () => ({
  semverExclusivity: null as string | null,
  diffLineFromPath: null as string | null,
  diffLineToPath: null as string | null,
  oldMode: null as string | null,
  newMode: null as string | null,
  deletedFileMode: null as string | null,
  newFileMode: null as string | null,
  renameFrom: null as string | null,
  renameTo: null as string | null,
  beforeHash: null as string | null,
  afterHash: null as string | null,
  fromPath: null as string | null,
  toPath: null as string | null,
  hunks: null as Hunk[] | null,
});

const LINE_TYPES: Readonly<Record<string, 'header' | Part['type'] | 'pragma'>> = {
  '@': 'header',
  '-': 'deletion',
  '+': 'insertion',
  ' ': 'context',
  '\\': 'pragma',
};

/** yarn's parsePatchFile: the file diffs (parseFileDiffs), then the parts yarn applies and hashes (interpretParsedPatchFile). */
function patchParts(text: string): Record<string, unknown>[] {
  const lines = text.split(/\n/g);
  if (lines[lines.length - 1] === '') lines.pop();
  return interpret(fileDiffs(lines));
}

function fileDiffs(lines: readonly string[]): FileDiff[] {
  const files: FileDiff[] = [];
  let current = emptyFile();
  let state: 'parsing header' | 'parsing hunks' = 'parsing header';
  let hunk: Hunk | null = null;
  let part: Part | null = null;
  const commitHunk = () => {
    if (!hunk) return;
    if (part) {
      hunk.parts.push(part);
      part = null;
    }
    current.hunks!.push(hunk);
    hunk = null;
  };
  const commitFile = () => {
    commitHunk();
    files.push(current);
    current = emptyFile();
  };
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (state === 'parsing header') {
      if (line.startsWith('@@')) {
        state = 'parsing hunks';
        current.hunks = [];
        index -= 1;
      } else if (line.startsWith('diff --git ')) {
        if (current.diffLineFromPath) commitFile();
        const match = /^diff --git a\/(.*?) b\/(.*?)\s*$/.exec(line);
        if (!match) throw new Error(`Bad diff line: ${line}`);
        current.diffLineFromPath = match[1]!;
        current.diffLineToPath = match[2]!;
      } else if (line.startsWith('old mode ')) current.oldMode = line.slice(9).trim();
      else if (line.startsWith('new mode ')) current.newMode = line.slice(9).trim();
      else if (line.startsWith('deleted file mode ')) current.deletedFileMode = line.slice(18).trim();
      else if (line.startsWith('new file mode ')) current.newFileMode = line.slice(14).trim();
      else if (line.startsWith('rename from ')) current.renameFrom = line.slice(12).trim();
      else if (line.startsWith('rename to ')) current.renameTo = line.slice(10).trim();
      else if (line.startsWith('index ')) {
        const match = /(\w+)\.\.(\w+)/.exec(line);
        if (!match) continue;
        current.beforeHash = match[1]!;
        current.afterHash = match[2]!;
      } else if (line.startsWith('semver exclusivity ')) current.semverExclusivity = line.slice(19).trim();
      else if (line.startsWith('--- ')) current.fromPath = line.slice(6).trim();
      else if (line.startsWith('+++ ')) current.toPath = line.slice(6).trim();
      continue;
    }
    // An empty line is context (yarn looks up `line[0]`, undefined, and finds "context").
    const type = line === '' ? 'context' : (LINE_TYPES[line[0]!] ?? null);
    if (type === 'header') {
      commitHunk();
      hunk = { header: hunkHeader(line), parts: [] };
    } else if (type === null) {
      state = 'parsing header';
      commitFile();
      index -= 1;
    } else if (type === 'pragma') {
      if (!line.startsWith('\\ No newline at end of file')) throw new Error(`Unrecognized pragma in patch file: ${line}`);
      if (!part) throw new Error('Bad parser state: No newline at EOF pragma encountered without context');
      (part as Part).noNewlineAtEndOfFile = true;
    } else {
      if (!hunk) throw new Error('Bad parser state: Hunk lines encountered before hunk header');
      if (part && (part as Part).type !== type) {
        (hunk as Hunk).parts.push(part);
        part = null;
      }
      part ??= { type, lines: [], noNewlineAtEndOfFile: false };
      (part as Part).lines.push(line.slice(1));
    }
  }
  commitFile();
  for (const { hunks } of files) for (const each of hunks ?? []) checkHunk(each);
  return files;
}

function hunkHeader(line: string): Hunk['header'] {
  const match = /^@@ -(\d+)(,(\d+))? \+(\d+)(,(\d+))? @@.*/.exec(line.trim());
  if (!match) throw new Error(`Bad header line: '${line}'`);
  return {
    original: { start: Math.max(Number(match[1]), 1), length: Number(match[3] || 1) },
    patched: { start: Math.max(Number(match[4]), 1), length: Number(match[6] || 1) },
  };
}

function checkHunk(hunk: Hunk): void {
  let original = 0;
  let patched = 0;
  for (const { type, lines } of hunk.parts) {
    if (type !== 'insertion') original += lines.length;
    if (type !== 'deletion') patched += lines.length;
  }
  if (original !== hunk.header.original.length || patched !== hunk.header.patched.length) throw new Error('hunk header integrity check failed');
}

function interpret(files: readonly FileDiff[]): Record<string, unknown>[] {
  const parts: Record<string, unknown>[] = [];
  for (const file of files) {
    const { semverExclusivity, diffLineFromPath, diffLineToPath, oldMode, newMode, deletedFileMode, newFileMode, renameFrom, renameTo } = file;
    const { beforeHash, afterHash, fromPath, toPath, hunks } = file;
    const kind = renameFrom
      ? 'rename'
      : deletedFileMode
        ? 'file deletion'
        : newFileMode
          ? 'file creation'
          : hunks && hunks.length > 0
            ? 'patch'
            : 'mode change';
    let destination: string | null = null;
    if (kind === 'rename') {
      if (!renameFrom || !renameTo) throw new Error('Bad parser state: rename from & to not given');
      parts.push({ type: 'rename', semverExclusivity, fromPath: portable(renameFrom), toPath: portable(renameTo) });
      destination = renameTo;
    } else if (kind === 'file deletion') {
      const path = diffLineFromPath || fromPath;
      if (!path) throw new Error('Bad parse state: no path given for file deletion');
      parts.push({
        type: 'file deletion',
        semverExclusivity,
        hunk: (hunks && hunks[0]) || null,
        path: portable(path),
        mode: fileMode(deletedFileMode!),
        hash: beforeHash,
      });
    } else if (kind === 'file creation') {
      const path = diffLineToPath || toPath;
      if (!path) throw new Error('Bad parse state: no path given for file creation');
      parts.push({
        type: 'file creation',
        semverExclusivity,
        hunk: (hunks && hunks[0]) || null,
        path: portable(path),
        mode: fileMode(newFileMode!),
        hash: afterHash,
      });
    } else destination = toPath || diffLineToPath;
    if (destination && oldMode && newMode && oldMode !== newMode) {
      parts.push({ type: 'mode change', semverExclusivity, path: portable(destination), oldMode: fileMode(oldMode), newMode: fileMode(newMode) });
    }
    if (destination && hunks && hunks.length) parts.push({ type: 'patch', semverExclusivity, path: portable(destination), hunks, beforeHash, afterHash });
  }
  if (parts.length === 0) throw new Error('Unable to parse patch file: No changes found');
  return parts;
}

/** yarn's `ppath.relative(root, ppath.resolve(root, path))`. */
const portable = (path: string): string => posix.relative('/', posix.resolve('/', path));

function fileMode(mode: string): number {
  const bits = parseInt(mode, 8) & 0o777;
  if (bits !== 0o644 && bits !== 0o755) throw new Error(`Unexpected file mode string: ${mode}`);
  return bits;
}
