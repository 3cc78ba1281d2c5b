import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const made: string[] = [];

/** A fresh temporary folder, removed after the test file that made it (vitest loads this module once per file). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `depwarden-${prefix}-`));
  made.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});
