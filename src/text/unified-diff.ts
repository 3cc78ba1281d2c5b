/**
 * Reads a unified diff (`git diff`, `git show`, `git format-patch`, `diff -u`) into its files and hunks, strictly
 * by the hunks' line counts, and applies hunks to a file's text in either direction. Written by hand: the diff
 * libraries on npm either skip malformed hunks silently or do not unquote git's C-style quoted paths, and a
 * review that silently skips part of a change is what an attacker wants.
 */
import { InputError } from '../errors.js';

export interface HunkLine {
  /** ' ' context, '+' added, '-' removed. */
  readonly kind: ' ' | '+' | '-';
  readonly text: string;
  /** 1-based line in the old file (context and removed lines) or in the new one (context and added lines). */
  readonly oldLine: number | undefined;
  readonly newLine: number | undefined;
}

export interface Hunk {
  readonly oldStart: number;
  readonly oldCount: number;
  readonly newStart: number;
  readonly newCount: number;
  readonly lines: readonly HunkLine[];
}

export interface AddedLine {
  readonly line: number;
  readonly text: string;
}

export interface DiffFile {
  /** The file's path after the change (before it, for a deleted file), relative to the repository root. */
  readonly path: string;
  /** The path before the change; undefined for a new file. */
  readonly oldPath: string | undefined;
  readonly status: 'added' | 'deleted' | 'modified';
  readonly hunks: readonly Hunk[];
  /** The lines the change adds, with their line numbers in the new file. */
  readonly added: readonly AddedLine[];
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/**
 * Every file of the diff. Text before the first file header (a commit message, mail headers) and between
 * hunks (format-patch's signature) is skipped as `patch` does; inside a hunk every line must be what the
 * header's counts say. Not a diff at all, an empty one, or a malformed hunk: an input error.
 */
export function parseUnifiedDiff(text: string): DiffFile[] {
  if (text.trim() === '') throw new InputError('the diff is empty: nothing to review (did the command that produced it fail?)');
  const lines = text.split('\n').map((line) => line.replace(/\r$/, ''));
  if (lines[lines.length - 1] === '') lines.pop(); // the final newline ends the last line; it starts none
  const files: DiffFile[] = [];
  let index = 0;
  while (index < lines.length) {
    const raw = lines[index]!;
    if (raw.startsWith('--- ') && lines[index + 1]?.startsWith('+++ ')) {
      const file = parseFile(lines, index);
      files.push(file.file);
      index = file.next;
    } else if (raw.startsWith('@@')) {
      throw new InputError(`line ${index + 1}: a hunk with no "--- a/file" and "+++ b/file" header before it`);
    } else {
      index++;
    }
  }
  if (files.length === 0) throw new InputError('is not a unified diff: it has no "--- a/file" and "+++ b/file" header');
  return files;
}

function parseFile(lines: readonly string[], start: number): { file: DiffFile; next: number } {
  const [oldRaw, newRaw] = [lines[start]!.slice(4), lines[start + 1]!.slice(4)];
  const [oldPath, newPath] = stripPrefixes(headerPath(oldRaw, start + 1), headerPath(newRaw, start + 2));
  if (oldPath === undefined && newPath === undefined) throw new InputError(`line ${start + 1}: a file header with /dev/null on both sides`);
  const hunks: Hunk[] = [];
  let index = start + 2;
  while (lines[index]?.startsWith('@@')) {
    const hunk = parseHunk(lines, index);
    hunks.push(hunk.hunk);
    index = hunk.next;
  }
  if (hunks.length === 0) throw new InputError(`line ${start + 3}: the file header of ${newPath ?? oldPath} is followed by no hunk`);
  const added = hunks.flatMap((hunk) => hunk.lines.filter((line) => line.kind === '+').map((line) => ({ line: line.newLine!, text: line.text })));
  const status = oldPath === undefined ? 'added' : newPath === undefined ? 'deleted' : 'modified';
  return { file: { path: (newPath ?? oldPath)!, oldPath, status, hunks, added }, next: index };
}

function parseHunk(lines: readonly string[], start: number): { hunk: Hunk; next: number } {
  const header = HUNK_HEADER.exec(lines[start]!);
  if (!header) throw new InputError(`line ${start + 1}: not a unified diff hunk header: ${JSON.stringify(lines[start]!.slice(0, 60))}`);
  const [oldStart, oldCount, newStart, newCount] = [header[1], header[2] ?? '1', header[3], header[4] ?? '1'].map(Number) as [number, number, number, number];
  const hunkLines: HunkLine[] = [];
  let [oldLeft, newLeft] = [oldCount, newCount];
  let [oldLine, newLine] = [oldCount === 0 ? oldStart + 1 : oldStart, newCount === 0 ? newStart + 1 : newStart];
  let index = start + 1;
  while (oldLeft > 0 || newLeft > 0) {
    const raw = lines[index];
    if (raw === undefined) throw new InputError(`after line ${index}: the diff ends inside a hunk (${oldLeft} old and ${newLeft} new lines missing)`);
    // An empty line is a context line whose leading space a mail client or editor trimmed.
    const kind = raw === '' ? ' ' : raw[0];
    if (kind === '\\') {
      index++;
      continue;
    }
    if ((kind === ' ' && oldLeft > 0 && newLeft > 0) || (kind === '-' && oldLeft > 0) || (kind === '+' && newLeft > 0)) {
      hunkLines.push({ kind, text: raw.slice(1), oldLine: kind === '+' ? undefined : oldLine++, newLine: kind === '-' ? undefined : newLine++ });
      if (kind !== '+') oldLeft--;
      if (kind !== '-') newLeft--;
      index++;
      continue;
    }
    throw new InputError(`line ${index + 1}: does not fit the hunk that starts on line ${start + 1} (${oldLeft} old and ${newLeft} new lines expected)`);
  }
  while (lines[index]?.startsWith('\\')) index++;
  return { hunk: { oldStart, oldCount, newStart, newCount, lines: hunkLines }, next: index };
}

/** The path of a `---`/`+++` line: git quotes unusual names C-style; `diff -u` appends a tab and a date. */
function headerPath(raw: string, line: number): string | undefined {
  const path = raw.startsWith('"') ? unquoteC(raw, line) : raw.replace(/\t.*$/, '');
  return path === '/dev/null' ? undefined : path;
}

/** git's `a/` and `b/` prefixes, when both sides carry them (or the other side is /dev/null). */
function stripPrefixes(oldPath: string | undefined, newPath: string | undefined): [string | undefined, string | undefined] {
  const prefixed = (oldPath === undefined || oldPath.startsWith('a/')) && (newPath === undefined || newPath.startsWith('b/'));
  return prefixed ? [oldPath?.slice(2), newPath?.slice(2)] : [oldPath, newPath];
}

const C_ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };

/** git's quote_c_style in reverse: `"caf\303\251.js"` -> `café.js` (octal escapes are UTF-8 bytes). */
export function unquoteC(quoted: string, line = 0): string {
  const bytes: number[] = [];
  let index = 1;
  while (index < quoted.length && quoted[index] !== '"') {
    const char = quoted[index]!;
    if (char !== '\\') {
      bytes.push(...Buffer.from(char, 'utf8'));
      index++;
      continue;
    }
    const next = quoted[index + 1] ?? '';
    const octal = /^[0-7]{3}/.exec(quoted.slice(index + 1, index + 4));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      index += 4;
    } else if (next in C_ESCAPES) {
      bytes.push(C_ESCAPES[next]!);
      index += 2;
    } else {
      throw new InputError(`line ${line}: a quoted path with an unknown escape \\${next}`);
    }
  }
  if (quoted[index] !== '"') throw new InputError(`line ${line}: a quoted path with no closing quote`);
  return Buffer.from(bytes).toString('utf8');
}

/**
 * A file's text at the other end of the change: `from: 'new'` takes the new text and undoes the hunks, `from:
 * 'old'` applies them to the old text. Undefined when the text does not hold what the hunks say it does
 * (the copy at hand is neither end of this diff).
 */
export function applyHunks(text: string, hunks: readonly Hunk[], from: 'old' | 'new'): string | undefined {
  const source = text.split('\n').map((line) => line.replace(/\r$/, ''));
  const result: string[] = [];
  let cursor = 0;
  for (const hunk of hunks) {
    const [start, count] = from === 'old' ? [hunk.oldStart, hunk.oldCount] : [hunk.newStart, hunk.newCount];
    const at = count === 0 ? start : start - 1;
    if (at < cursor || at > source.length) return undefined;
    result.push(...source.slice(cursor, at));
    cursor = at;
    for (const line of hunk.lines) {
      const inSource = line.kind === ' ' || line.kind === (from === 'old' ? '-' : '+');
      const inResult = line.kind === ' ' || line.kind === (from === 'old' ? '+' : '-');
      if (inSource && source[cursor++] !== line.text) return undefined;
      if (inResult) result.push(line.text);
    }
  }
  result.push(...source.slice(cursor));
  return result.join('\n');
}
