import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../errors.js';

/** How loaders read project files: paths relative to `dir` (or absolute) in, text out, undefined when missing. */
export interface FileSource {
  readonly dir: string;
  readText(relativePath: string): string | undefined;
}

/** A file the user named: its text, or an input error when it cannot be read. */
export function readRequired(files: FileSource, path: string): string {
  const text = files.readText(path);
  if (text === undefined) throw new InputError('cannot be read (ENOENT)', path);
  return text;
}

export function diskFiles(dir: string): FileSource {
  return {
    dir,
    readText(relativePath) {
      try {
        return readFileSync(resolve(dir, relativePath), 'utf8');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
        throw new InputError(`cannot be read (${code ?? String(error)})`, relativePath);
      }
    },
  };
}
