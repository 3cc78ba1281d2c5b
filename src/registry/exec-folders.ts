import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The checked trees `depwarden exec` installed, one folder per key under `root` (src/gate/exec.ts installChecked). */
export interface ExecFolderStore {
  find(key: string): string | undefined;
  create(files: Readonly<Record<string, string>>): string;
  keep(key: string, folder: string): string;
  removeFile(folder: string, name: string): void;
  discard(folder: string): void;
}

/** How many installed trees are kept: the ones started last. npm never prunes its npx cache; each tree is a full install. */
export const KEPT_TREES = 20;
/** An unfinished install folder older than this was left by a run that was killed. */
const ABANDONED_AFTER_MS = 24 * 60 * 60 * 1000;
const KEY_FOLDER = /^[0-9a-f]{32}$/;

/**
 * On disk, beside npm's npx cache. A folder is installed under a temporary name and renamed to its key only when
 * finished, so a folder under a key is always complete, and two starts at once never share a half-installed tree:
 * the one that renames second drops its own copy and uses the first. Each start marks its folder as used; keeping a
 * new one removes all but the KEPT_TREES used last, and unfinished folders abandoned a day ago.
 */
export function execFolderStore(root: string, now: () => number = Date.now): ExecFolderStore {
  return {
    find(key) {
      const folder = join(root, key);
      // npm writes node_modules/.package-lock.json last: a folder without it was never finished.
      if (!existsSync(join(folder, 'node_modules', '.package-lock.json'))) return undefined;
      markUsed(folder, now());
      return folder;
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
      markUsed(target, now());
      prune(root, now());
      return target;
    },
    removeFile(folder, name) {
      rmSync(join(folder, name), { force: true });
    },
    discard(folder) {
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

function markUsed(folder: string, time: number): void {
  try {
    utimesSync(folder, time / 1000, time / 1000);
  } catch {
    // Another start pruned it meanwhile: it is installed again next time.
  }
}

/** Removes the installed trees used longest ago past KEPT_TREES, and abandoned unfinished installs. Best effort. */
function prune(root: string, time: number): void {
  const trees: { path: string; used: number }[] = [];
  for (const name of readdirSync(root)) {
    const path = join(root, name);
    let used: number;
    try {
      used = statSync(path).mtimeMs;
    } catch {
      continue;
    }
    if (KEY_FOLDER.test(name)) trees.push({ path, used });
    else if (name.startsWith('.install-') && time - used > ABANDONED_AFTER_MS) rmSync(path, { recursive: true, force: true });
  }
  trees.sort((a, b) => b.used - a.used);
  for (const { path } of trees.slice(KEPT_TREES)) rmSync(path, { recursive: true, force: true });
}
