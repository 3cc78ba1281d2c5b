import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The checked trees `depwarden exec` installed, one folder per key under `root` (src/gate/exec.ts installChecked). */
export interface ExecFolderStore {
  find(key: string): string | undefined;
  create(files: Readonly<Record<string, string>>): string;
  keep(key: string, folder: string): string;
  discard(folder: string): void;
}

/**
 * On disk, beside npm's npx cache. A folder is installed under a temporary name and renamed to its key only when
 * finished, so a folder under a key is always complete, and two starts at once never share a half-installed tree:
 * the one that renames second drops its own copy and uses the first.
 */
export function execFolderStore(root: string): ExecFolderStore {
  return {
    find(key) {
      const folder = join(root, key);
      // npm writes node_modules/.package-lock.json last: a folder without it was never finished.
      return existsSync(join(folder, 'node_modules', '.package-lock.json')) ? folder : undefined;
    },
    create(files) {
      mkdirSync(root, { recursive: true, mode: 0o700 });
      const folder = mkdtempSync(join(root, '.install-'));
      for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
      return folder;
    },
    keep(key, folder) {
      const target = join(root, key);
      try {
        renameSync(folder, target);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if ((code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM') || !existsSync(target)) throw error;
      }
      return target;
    },
    discard(folder) {
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
