import { closeSync, constants, fstatSync, openSync, readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import { resolve, sep } from 'node:path';
import { InputError } from '../errors.js';

/** How loaders read project files: paths relative to `dir` (or absolute) in, text out, undefined when missing. */
export interface FileSource {
  readonly dir: string;
  readText(relativePath: string): string | undefined;
  /** Whether the path, symlinks followed, stays inside `dir` (true when it does not exist); absent: no links to follow. */
  isInside?(relativePath: string): boolean;
}

/**
 * The largest file depwarden reads. npm's biggest real lockfiles are tens of MiB; V8 cannot hold a string of
 * much more than 512 MiB, and parsing one that size takes gigabytes. Stated in the README.
 */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;
export const MAX_FILE_TEXT = '256 MiB';

/** A file the user named: its text, or an input error when it cannot be read. */
export function readRequired(files: FileSource, path: string): string {
  const text = files.readText(path);
  if (text === undefined) throw new InputError('cannot be read (ENOENT)', path);
  return text;
}

export function diskFiles(dir: string): FileSource {
  return {
    dir,
    readText: (relativePath) => readRegularFile(resolve(dir, relativePath), relativePath),
    isInside: (relativePath) => {
      const real = (path: string): string | undefined => {
        try {
          return realpathSync(path);
        } catch {
          return undefined;
        }
      };
      const target = real(resolve(dir, relativePath));
      const root = real(dir) ?? resolve(dir);
      return target === undefined || target === root || target.startsWith(root.endsWith(sep) ? root : root + sep);
    },
  };
}

/**
 * Reads a regular file, or says why not, without ever blocking: the file is opened non-blocking (opening a
 * FIFO for reading would otherwise wait for a writer forever) and its type and size come from fstat before a
 * byte is read, so a FIFO, a device or a symlink to one is refused at once. `shown` names it in errors.
 */
export function readRegularFile(path: string, shown: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new InputError(code === 'ELOOP' ? 'is a symlink loop' : `cannot be read (${code ?? String(error)})`, shown);
  }
  try {
    assertReadable(fstatSync(fd), shown);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * Throws unless the file, when it exists, is one readRegularFile would read: for files another library reads
 * (npm's npmrc files, read by @npmcli/config). A stat follows symlinks and never blocks, and opens nothing: opening
 * a device can act on it. Returns whether the file exists.
 */
export function assertRegularIfPresent(path: string, shown: string): boolean {
  let stats: Stats | undefined;
  try {
    stats = statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') return false;
    throw new InputError(code === 'ELOOP' ? 'is a symlink loop' : `cannot be read (${code ?? String(error)})`, shown);
  }
  if (stats === undefined) return false;
  assertReadable(stats, shown);
  return true;
}

/** Throws unless the stats are of a regular file within the size limit. */
export function assertReadable(stats: Stats, shown: string): void {
  if (!stats.isFile()) throw new InputError(`is not a regular file but ${fileKind(stats)}`, shown);
  if (stats.size > MAX_FILE_BYTES) {
    throw new InputError(`is ${Math.ceil(stats.size / 1024 / 1024)} MiB; depwarden reads files up to ${MAX_FILE_TEXT}`, shown);
  }
}

export function fileKind(stats: Stats): string {
  if (stats.isFile()) return 'a file';
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isSymbolicLink()) return 'a symlink';
  return 'not a file';
}
