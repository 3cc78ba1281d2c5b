import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { depwardenInProcess } from '../support/cli.js';
import { FIXTURES } from '../support/paths.js';
import { tempDir } from '../support/temp.js';

/** A copy of a fixture project with a lockfile, and no policy or .npmrc yet. */
function project(): string {
  const dir = tempDir('init');
  for (const file of ['package.json', 'package-lock.json']) cpSync(join(FIXTURES, 'npm-v3', file), join(dir, file));
  return dir;
}

describe('depwarden init when the install scripts cannot be read', () => {
  it('the registry refuses: says so and why, never "no install scripts in the tree", and exits 1 with the rest written', async () => {
    const dir = project();
    const run = await depwardenInProcess(['init'], { cwd: dir, env: { npm_config_offline: undefined, npm_config_registry: 'http://127.0.0.1:1/' } });
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).not.toContain('no install scripts in the tree');
    expect(run.stdout).toContain(
      'depwarden init: .depwardenrc.json: created, but the install scripts could not be read: the registry refused the connection (none of the 4 packages was checked); run depwarden init again when they can be, to list them\n',
    );
    expect(JSON.parse(readFileSync(join(dir, '.depwardenrc.json'), 'utf8'))).toEqual({});
    expect(readFileSync(join(dir, '.npmrc'), 'utf8')).toBe('ignore-scripts=true\n');

    // Run again: the policy is there now, still nothing read.
    const again = await depwardenInProcess(['init'], { cwd: dir, env: { npm_config_offline: undefined, npm_config_registry: 'http://127.0.0.1:1/' } });
    expect(again.status).toBe(1);
    expect(again.stdout).toContain(
      'depwarden init: .depwardenrc.json: unchanged, but the install scripts could not be read: the registry refused the connection',
    );
  });

  it('--offline with an empty npm cache: says the packages are not in the cache', async () => {
    const dir = project();
    const run = await depwardenInProcess(['init', '--offline'], { cwd: dir });
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toContain(
      "depwarden init: .depwardenrc.json: created, but the install scripts could not be read: 4 of 4 packages are not in npm's cache (--offline); run depwarden init",
    );
  });

  it('a project without a lockfile has no install scripts yet: created, exit 4 (depwarden not declared)', async () => {
    const dir = tempDir('init-nolock');
    cpSync(join(FIXTURES, 'npm-v3', 'package.json'), join(dir, 'package.json'));
    const run = await depwardenInProcess(['init', '--offline'], { cwd: dir });
    expect(run.status, run.stderr).toBe(4);
    expect(run.stdout).toContain('depwarden init: .depwardenrc.json: created (no install scripts in the tree)\n');
    expect(existsSync(join(dir, 'package-lock.json'))).toBe(false);
  });
});
