import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISOLATED_ENV } from '../support/check.js';
import { depwardenAsync, depwardenInProcess, type CliRun } from '../support/cli.js';
import { installManagers, type TestManager } from '../support/managers.js';
import { type Registry } from '../support/registry.mjs';
import { marker, writeSharedPackage } from '../support/shared-packages.js';
import { sharedRegistry } from '../support/shared-registry.js';
import { tempDir } from '../support/temp.js';

const work = tempDir('managers-e2e');
let registry: Registry;
let bins: Record<TestManager, string>;

/** Every cache and store of every manager under this test's folder; the user's are never read. */
const managerEnv = (): Record<string, string> => ({
  HOME: join(work, 'home'),
  XDG_CACHE_HOME: join(work, 'home', '.cache'),
  XDG_DATA_HOME: join(work, 'home', '.local', 'share'),
  npm_config_offline: 'false',
  npm_config_userconfig: registry.npmrc,
  npm_config_cache: registry.cache,
  npm_config_registry: registry.url,
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
  npm_config_store_dir: join(work, 'pnpm-store'),
  YARN_CACHE_FOLDER: join(work, 'yarn-cache'),
  YARN_GLOBAL_FOLDER: join(work, 'yarn-global'),
  YARN_ENABLE_TELEMETRY: '0',
  BUN_INSTALL_CACHE_DIR: join(work, 'bun-cache'),
  CI: '',
});

const run = (args: string[], cwd: string, manager: TestManager): Promise<CliRun> =>
  depwardenAsync(args, {
    cwd,
    env: {
      ...managerEnv(),
      // yarn classic's cache is not safe for two installs at once (the tests of one manager run concurrently).
      YARN_CACHE_FOLDER: `${cwd}-yarn-cache`,
      YARN_GLOBAL_FOLDER: `${cwd}-yarn-global`,
      PATH: `${bins[manager]}${delimiter}${ISOLATED_ENV.PATH}`,
    },
  });

/** Each manager's own config: this registry only, and for berry a node_modules folder (see the README on Plug'n'Play). */
function managerFiles(manager: TestManager): { manifest: Record<string, unknown>; files: Record<string, string> } {
  switch (manager) {
    case 'pnpm':
      return { manifest: { packageManager: 'pnpm@9.15.9' }, files: { '.npmrc': `registry=${registry.url}\n` } };
    case 'yarn-classic':
      return { manifest: { packageManager: 'yarn@1.22.22' }, files: { '.yarnrc': `registry "${registry.url}"\n` } };
    case 'yarn-berry':
      return {
        manifest: { packageManager: 'yarn@4.18.1' },
        files: {
          '.yarnrc.yml': `npmRegistryServer: "${registry.url}"\nunsafeHttpWhitelist: ["127.0.0.1"]\nnodeLinker: node-modules\nnpmMinimalAgeGate: 0\nenableScripts: true\n`,
        },
      };
    case 'bun':
      return { manifest: { packageManager: 'bun@1.4.5' }, files: { 'bunfig.toml': `[install]\nregistry = "${registry.url}"\n` } };
  }
}

function project(name: string, manager: TestManager, manifest: Record<string, unknown>, files: Record<string, string> = {}): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const own = managerFiles(manager);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', ...own.manifest, ...manifest }, null, 2));
  for (const [file, text] of Object.entries({ ...own.files, ...files })) writeFileSync(join(dir, file), text);
  return dir;
}

function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true }).map((entry) => {
      const path = join(entry.parentPath, entry.name);
      return [path, entry.isFile() ? readFileSync(path, 'utf8') : '(folder)'];
    }),
  );
}

const LOCKFILES: Record<TestManager, string> = { pnpm: 'pnpm-lock.yaml', 'yarn-classic': 'yarn.lock', 'yarn-berry': 'yarn.lock', bun: 'bun.lock' };
const ALLOW = JSON.stringify({ allow: [{ package: 'dw-allowed', rule: 'install-script', reason: 'builds its addon; reviewed' }] });

beforeAll(async () => {
  bins = await installManagers();
  registry = sharedRegistry();
  // dw-plain, dw-marker, dw-allowed, dw-urlholder and lodahs are the run's shared packages (shared-packages.ts).
  await registry.publishAll([
    writeSharedPackage(join(work, 'packages'), { name: 'dw-urlparent', version: '1.0.0', dependencies: { 'dw-urlholder': '^1.0.0' } }),
  ]);
}, 180_000);

afterAll(async () => {
  await registry?.stop();
});

// Concurrent: the four managers' runs are mostly waiting on processes and the registry.
describe.concurrent.each(['pnpm', 'yarn-classic', 'yarn-berry', 'bun'] as const)(
  'depwarden install / ci with %s (the real manager, local verdaccio)',
  (manager) => {
    it('refuses a new dependency whose tree holds a URL dependency: the project stays as it was, no node_modules', async () => {
      const dir = project(`${manager}-bad`, manager, { dependencies: { 'dw-plain': '^1.0.0' } });
      const before = snapshot(dir);
      const result = await run(['install', 'dw-urlparent'], dir, manager);
      expect(result.status, result.stderr).toBe(1);
      // pnpm resolves a URL that is the registry's own tarball of a version it has as that registry version; the
      // published manifest that asks for the URL is refused either way.
      expect(result.stdout).toMatch(/\[(url-dependency|manifest-dynamic-dependency)\]/);
      expect(result.stdout).toContain('via: (root) > dw-urlparent > dw-urlholder');
      expect(result.stderr).toMatch(/install refused: \d+ finding\(s\) at or above high in the tree (pnpm|yarn|bun) would install; nothing was installed/);
      expect(existsSync(join(dir, 'node_modules'))).toBe(false);
      expect(snapshot(dir)).toEqual(before);
    }, 120_000);

    it('installs a clean tree: the allowlisted install script and the project’s own run, the unlisted one does not; ci installs that lockfile', async () => {
      const dir = project(
        `${manager}-good`,
        manager,
        { dependencies: { 'dw-plain': '^1.0.0' }, scripts: { postinstall: marker('root') } },
        { '.depwardenrc.json': ALLOW },
      );
      const result = await run(['install', 'dw-allowed', 'dw-marker'], dir, manager);
      expect(result.status, result.stderr).toBe(0);
      expect(existsSync(join(dir, 'node_modules', 'dw-allowed', 'package.json'))).toBe(true);
      expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).dependencies).toMatchObject({
        'dw-allowed': expect.any(String),
        'dw-marker': expect.any(String),
      });
      expect(existsSync(join(dir, LOCKFILES[manager]))).toBe(true);
      expect(existsSync(join(dir, 'MARKER-dw-allowed'))).toBe(true);
      expect(existsSync(join(dir, 'MARKER-dw-marker'))).toBe(false);
      expect(existsSync(join(dir, 'MARKER-root'))).toBe(true);
      expect(result.stderr).toContain('did not run the install scripts of dw-marker@1.0.0: the policy does not allow them');

      // ci: the lockfile just written, installed with the manager's frozen mode, allowed scripts only.
      const ci = join(work, `${manager}-ci`);
      mkdirSync(ci);
      for (const file of readdirSync(dir))
        if (!file.startsWith('MARKER-') && file !== 'node_modules' && file !== '.yarn') cpSync(join(dir, file), join(ci, file), { recursive: true });
      const frozen = await run(['ci'], ci, manager);
      expect(frozen.status, frozen.stderr).toBe(0);
      expect(existsSync(join(ci, 'node_modules', 'dw-plain', 'package.json'))).toBe(true);
      expect(existsSync(join(ci, 'MARKER-dw-allowed'))).toBe(true);
      expect(existsSync(join(ci, 'MARKER-dw-marker'))).toBe(false);
    }, 180_000);
  },
);

describe('the manager gate, whatever the manager', () => {
  it('ci judges the committed lockfile as it is: a near-miss in pnpm-lock.yaml is refused before pnpm runs', async () => {
    const dir = join(work, 'pnpm-ci-bad');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'pnpm-ci-bad', version: '1.0.0', packageManager: 'pnpm@9.15.9', dependencies: { 'dw-plain': '^1.0.0' } }),
    );
    writeFileSync(join(dir, '.npmrc'), `registry=${registry.url}\n`);
    // The lockfile a pnpm user would commit after adding the near-miss without depwarden.
    const added = spawnSync(join(bins.pnpm, 'pnpm'), ['add', 'lodahs', '--lockfile-only', '--ignore-scripts'], {
      cwd: dir,
      env: { ...ISOLATED_ENV, ...managerEnv() },
      encoding: 'utf8',
    });
    expect(added.status, added.stderr).toBe(0);
    expect(readFileSync(join(dir, 'pnpm-lock.yaml'), 'utf8')).toContain('lodahs@1.0.0');
    const result = await run(['ci'], dir, 'pnpm');
    expect(result.status, result.stderr).toBe(1);
    expect(result.stdout).toContain('lodahs@1.0.0  [near-miss-name]');
    expect(result.stderr).toContain('ci refused');
    expect(existsSync(join(dir, 'node_modules'))).toBe(false);
  });

  it('ci never judges another manager’s lockfile in place of the one the manager installs from', async () => {
    const dir = join(work, 'two-lockfiles');
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'two-lockfiles', version: '1.0.0' }));
    writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ name: 'two-lockfiles', version: '1.0.0', lockfileVersion: 3, packages: { '': {} } }));
    writeFileSync(join(dir, 'pnpm-lock.yaml'), "lockfileVersion: '9.0'\n");
    // A usage error before any manager runs: main() in this process (the spawned runs above prove the exit codes).
    const result = await depwardenInProcess(['ci', '--manager', 'pnpm'], {
      cwd: dir,
      env: { ...managerEnv(), PATH: `${bins.pnpm}${delimiter}${ISOLATED_ENV.PATH}` },
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'depwarden: pnpm installs from pnpm-lock.yaml, but the lockfile depwarden would read here is package-lock.json: name the manager in package.json "packageManager"\n',
    );
    expect(existsSync(join(dir, 'node_modules'))).toBe(false);
  });

  it('a project whose manager is not on PATH is a usage error that says what to do', async () => {
    const dir = project('no-bun', 'bun', { dependencies: { 'dw-plain': '^1.0.0' } });
    const result = await depwardenInProcess(['install'], { cwd: dir, env: { ...managerEnv(), PATH: dirname(process.execPath) } });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'depwarden: this project installs with bun (package.json packageManager), but there is no bun on PATH: install bun (its own installer, or `npm install --global bun`; corepack does not provide bun)\n',
    );
    expect(existsSync(join(dir, 'node_modules'))).toBe(false);
  });

  it('a shimmed `npm install <near-miss>` is refused through the gate; other npm commands reach the real npm', async () => {
    const shims = join(work, 'shims');
    // Writing and removing the shims starts no process: main() in this process; the shim itself runs the built CLI.
    const written = await depwardenInProcess(['shims', '--dir', shims], { cwd: work, env: managerEnv() });
    expect(written.status, written.stderr).toBe(0);
    expect(written.stdout).toContain(`export PATH='${shims}':"$PATH"`);
    const dir = project('shimmed', 'pnpm', { packageManager: undefined, dependencies: {} });
    const before = snapshot(dir);
    const env = { ...ISOLATED_ENV, ...managerEnv(), PATH: `${shims}${delimiter}${ISOLATED_ENV.PATH}` };
    const npm = (args: string[]) =>
      new Promise<CliRun>((done) => {
        const child = spawn('npm', args, { cwd: dir, env });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk) => (stdout += chunk));
        child.stderr.on('data', (chunk) => (stderr += chunk));
        child.on('close', (status) => done({ status, stdout, stderr }));
      });
    const refused = await npm(['install', 'lodahs']);
    expect(refused.status, refused.stderr).toBe(1);
    expect(refused.stdout).toContain('[near-miss-name]');
    expect(refused.stderr).toContain('install refused: 1 finding(s) at or above high in the packages asked for');
    expect(snapshot(dir)).toEqual(before);
    // npm's own spellings of install-test and ci-test: refused by depwarden, never passed to npm.
    for (const word of ['sit', 'installTest']) {
      const spelled = await npm([word]);
      expect({ status: spelled.status, stderr: spelled.stderr }, word).toEqual({
        status: 2,
        stderr: `depwarden shim: \`npm ${word}\` is not gated by depwarden: run it with the real tool (its full path) if you mean it, or use \`depwarden install\`/\`exec\`\n`,
      });
    }
    expect(snapshot(dir)).toEqual(before);
    const version = await npm(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const removed = await depwardenInProcess(['shims', '--remove', '--dir', shims], { cwd: work, env: managerEnv() });
    expect(removed.stdout).toContain(`removed npm, npx, pnpm, pnpx, yarn, bun, bunx from ${shims}`);
    expect(existsSync(shims)).toBe(false);
  });
});
