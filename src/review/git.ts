/**
 * The git commands `review` needs, read-only. File lists are read with `-z`, so paths git would quote
 * (non-ASCII, quotes, newlines) arrive as they are. Errors become one-line input errors.
 */
import { execFileSync } from 'node:child_process';
import { InputError } from '../errors.js';
import { escapeText } from '../text/escape.js';

export class GitRepo {
  readonly root: string;

  constructor(cwd: string) {
    this.root = this.run(['rev-parse', '--show-toplevel'], cwd).trim();
  }

  private run(args: string[], cwd = this.root): string {
    try {
      return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? '')
        .trim()
        .split('\n')[0];
      throw new InputError(`git ${args[0]} failed: ${stderr || (error as Error).message}`);
    }
  }

  /** NUL-separated output (`-z`): paths exactly as stored. */
  private paths(args: string[]): string[] {
    return this.run(args).split('\0').filter(Boolean);
  }

  /** The commit a change is judged against: the merge base with the default branch, else the previous commit. */
  defaultBase(): string {
    for (const branch of ['origin/HEAD', 'origin/main', 'origin/master', 'main', 'master']) {
      try {
        const base = this.run(['merge-base', 'HEAD', branch]).trim();
        const head = this.run(['rev-parse', 'HEAD']).trim();
        if (base && base !== head) return base;
      } catch {
        // that branch does not exist here
      }
    }
    return 'HEAD';
  }

  verify(rev: string): string {
    try {
      return this.run(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]).trim();
    } catch {
      // --quiet: git says nothing, so its failure would read "Command failed: git rev-parse …".
      throw new InputError(`"${escapeText(rev)}" is not a commit of this repository (a branch, tag or commit id)`);
    }
  }

  /** A file's text at a revision (undefined: the working tree), or undefined when it does not exist there. */
  show(path: string, rev: string | undefined, readWorkingTree: (path: string) => string | undefined): string | undefined {
    if (rev === undefined) return readWorkingTree(path);
    try {
      // `rev:./path` would be relative to the current folder; `rev:path` is relative to the root, as wanted.
      return execFileSync('git', ['show', `${rev}:${path}`], {
        cwd: this.root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        maxBuffer: 256 * 1024 * 1024,
      });
    } catch {
      return undefined;
    }
  }

  /** Files changed between base and head (head undefined: the working tree, untracked files included). */
  changedFiles(base: string, head: string | undefined): string[] {
    const changed = this.paths(['diff', '--name-only', '-z', '--no-renames', base, ...(head ? [head] : []), '--']);
    const untracked = head ? [] : this.paths(['ls-files', '-z', '--others', '--exclude-standard']);
    return [...new Set([...changed, ...untracked])];
  }

  /** Every package.json at head (the working tree: tracked and untracked ones). */
  manifests(head: string | undefined): string[] {
    const files = head
      ? this.paths(['ls-tree', '-r', '-z', '--name-only', head])
      : [...this.paths(['ls-files', '-z']), ...this.paths(['ls-files', '-z', '--others', '--exclude-standard'])];
    return files.filter((file) => /(^|\/)package\.json$/.test(file) && !file.includes('node_modules/'));
  }
}
