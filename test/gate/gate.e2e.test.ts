import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISOLATED_ENV } from '../support/check.js';
import { depwardenAsync, depwardenInProcess } from '../support/cli.js';
import { tempDir } from '../support/temp.js';
import { BIN, ROOT } from '../support/paths.js';
import { type Registry } from '../support/registry.mjs';
import { marker, writeSharedPackage } from '../support/shared-packages.js';
import { sharedRegistry } from '../support/shared-registry.js';

const TOOL_VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const work = tempDir('gate-e2e');
let registry: Registry;

const npmEnv = () => ({
  npm_config_offline: 'false',
  npm_config_userconfig: registry.npmrc,
  npm_config_cache: registry.cache,
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
  npm_config_omit_lockfile_registry_resolved: 'false',
});

const depwarden = (args: string[], cwd: string) => depwardenAsync(args, { cwd, env: npmEnv() });
/** The real npm, as the gate runs it, for what depwarden must agree with. */
const npmRun = (args: string[], cwd: string): Promise<number | null> =>
  new Promise((resolve) => spawn('npm', args, { cwd, env: { ...ISOLATED_ENV, ...npmEnv() }, stdio: 'ignore' }).on('close', resolve));
/**
 * main() in this process, for runs that start no process (init; a refusal of the names asked for, of the ideal tree
 * or of the lockfile, before npm runs): the spawned runs beside them prove the exit codes and the output of npm as a
 * child, and managers.e2e.test.ts refuses through the built CLI.
 */
const depwardenHere = (args: string[], cwd: string) => depwardenInProcess(args, { cwd, env: npmEnv() });

function project(name: string, manifest: Record<string, unknown>, files: Record<string, string> = {}): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', ...manifest }, null, 2));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

/** Every file of a folder with its content: "nothing on disk changed" is this, equal before and after. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true }).map((entry) => {
      const path = join(entry.parentPath, entry.name);
      return [path, entry.isFile() ? readFileSync(path, 'utf8') : '(folder)'];
    }),
  );
}

beforeAll(async () => {
  registry = sharedRegistry();
  // dw-plain, dw-allowed, dw-urlholder and lodahs are the run's shared packages (shared-packages.ts); its dw-marker
  // runs a postinstall script, this file's dw-premarker a preinstall one.
  const packages = join(work, 'packages');
  await registry.publishAll([
    writeSharedPackage(packages, { name: 'dw-premarker', version: '1.0.0', scripts: { preinstall: marker('dw-premarker') } }),
    writeSharedPackage(packages, { name: 'dw-mid2', version: '1.0.0', dependencies: { 'dw-urlholder': '^1.0.0' } }),
    writeSharedPackage(packages, { name: 'dw-mid1', version: '1.0.0', dependencies: { 'dw-mid2': '^1.0.0' } }),
    // A squat: a package called depwarden at this very version on the registry, which init must never take.
    writeSharedPackage(packages, { name: 'depwarden', version: TOOL_VERSION }),
  ]);
});

afterAll(async () => {
  await registry?.stop();
});

describe('depwarden install / ci: the gate before npm (real npm, local verdaccio)', () => {
  it('refuses a tree with an install script, a URL dependency three levels deep and a near-miss name: nothing runs, nothing changes', async () => {
    const dir = project('bad', { dependencies: { 'dw-premarker': '^1.0.0', 'dw-mid1': '^1.0.0', lodahs: '^1.0.0' } });
    const before = snapshot(dir);
    const run = await depwardenHere(['install'], dir);
    expect(run.status).toBe(1);
    // What was checked: the tree arborist worked out from package.json, not package.json in some lockfile format.
    expect(run.stdout).toMatch(/^depwarden: checked \d+ packages in the tree npm would install \(arborist's ideal tree from package\.json\)\n/);
    expect(run.stdout).toContain('[url-dependency]');
    expect(run.stdout).toContain('via: (root) > dw-mid1 > dw-mid2 > dw-urlholder > dw-plain');
    expect(run.stdout).toContain('lodahs@1.0.0  [near-miss-name]');
    expect(run.stderr).toMatch(/install refused: \d+ finding\(s\) at or above high in the tree npm would install; nothing was installed/);
    expect(existsSync(join(dir, 'MARKER-dw-premarker'))).toBe(false);
    expect(snapshot(dir)).toEqual(before);
  });

  it('installs a clean tree with only the allowlisted install script run, and the project’s own scripts', async () => {
    const dir = project(
      'good',
      { dependencies: { 'dw-allowed': '^1.0.0', 'dw-premarker': '^1.0.0', 'dw-plain': '^1.0.0' }, scripts: { postinstall: marker('root') } },
      { '.depwardenrc.json': JSON.stringify({ allow: [{ package: 'dw-allowed', rule: 'install-script', reason: 'builds its addon; reviewed' }] }) },
    );
    const run = await depwarden(['install'], dir);
    expect({ status: run.status, stderr: run.stderr.includes('refused') }).toEqual({ status: 0, stderr: false });
    expect(existsSync(join(dir, 'node_modules', 'dw-plain', 'package.json'))).toBe(true);
    expect(existsSync(join(dir, 'MARKER-dw-allowed'))).toBe(true);
    expect(existsSync(join(dir, 'MARKER-dw-premarker'))).toBe(false);
    expect(existsSync(join(dir, 'MARKER-root'))).toBe(true);
    expect(run.stderr).toContain('did not run the install scripts of dw-premarker@1.0.0: the policy does not allow them');
  });

  it('refuses a near-miss or an unregistered name before npm runs', async () => {
    const dir = join(work, 'good');
    const before = readFileSync(join(dir, 'package.json'), 'utf8');
    const squat = await depwardenHere(['install', 'lodahs'], dir);
    expect(squat.status).toBe(1);
    expect(squat.stderr).toContain('refused: 1 finding(s) at or above high in the packages asked for');
    expect(squat.stdout).toMatch(/^depwarden: checked 1 name given as arguments\n/);
    expect(squat.stdout).toContain('  lodahs  [near-miss-name]  asked as lodahs\n');
    const invented = await depwardenHere(['install', 'dw-never-published-anywhere'], dir);
    expect(invented.status).toBe(1);
    expect(invented.stdout).toContain('[unregistered-name]');
    expect(invented.stdout).toContain('    asked for a name the registry does not have (404)');
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe(before);
    expect(existsSync(join(dir, 'node_modules', 'lodahs'))).toBe(false);
  });

  it('ci refuses a lockfile whose tarball URL was swapped', async () => {
    const dir = join(work, 'tampered');
    mkdirSync(dir);
    for (const file of ['package.json', 'package-lock.json', '.depwardenrc.json']) cpSync(join(work, 'good', file), join(dir, file));
    const lock = readFileSync(join(dir, 'package-lock.json'), 'utf8');
    const swapped = lock.replace(`${registry.url}dw-plain/-/dw-plain-1.0.0.tgz`, `${registry.url}dw-premarker/-/dw-premarker-1.0.0.tgz`);
    expect(swapped).not.toBe(lock);
    writeFileSync(join(dir, 'package-lock.json'), swapped);
    const run = await depwardenHere(['ci'], dir);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^depwarden: checked \d+ packages in package-lock\.json \(npm-lockfile-v3\)\n/);
    expect(run.stdout).toContain('[resolved-mismatch]');
    expect(run.stderr).toContain('ci refused');
    expect(existsSync(join(dir, 'node_modules'))).toBe(false);
  });

  it("runs the project's own lifecycle scripts once each, in the order plain npm ci runs them", async () => {
    // Each script appends its name to a log: `npm run install` also runs preinstall and postinstall unless told not to.
    const scripts = Object.fromEntries(
      ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'].map((event) => [
        event,
        `node -e "require('fs').appendFileSync('lifecycle.log', '${event}\\n')"`,
      ]),
    );
    const logOf = async (name: string, run: (dir: string) => Promise<number | null>): Promise<string> => {
      const dir = join(work, name);
      mkdirSync(dir);
      for (const file of ['package-lock.json', '.depwardenrc.json']) cpSync(join(work, 'good', file), join(dir, file));
      const manifest = JSON.parse(readFileSync(join(work, 'good', 'package.json'), 'utf8')) as Record<string, unknown>;
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...manifest, scripts }, null, 2));
      expect(await run(dir)).toBe(0);
      return readFileSync(join(dir, 'lifecycle.log'), 'utf8');
    };
    const plain = await logOf('lifecycle-npm', (dir) => npmRun(['ci', '--ignore-scripts=false'], dir));
    expect(plain.trim().split('\n')).toEqual(['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare']);
    expect(await logOf('lifecycle-gate', async (dir) => (await depwarden(['ci'], dir)).status)).toBe(plain);
  });

  it('ci installs the untouched lockfile', async () => {
    const dir = join(work, 'clean-ci');
    mkdirSync(dir);
    for (const file of ['package.json', 'package-lock.json', '.depwardenrc.json']) cpSync(join(work, 'good', file), join(dir, file));
    const run = await depwarden(['ci'], dir);
    expect(run.status).toBe(0);
    expect(existsSync(join(dir, 'MARKER-dw-allowed'))).toBe(true);
    expect(existsSync(join(dir, 'MARKER-dw-premarker'))).toBe(false);
  });
});

describe('install / ci with a machine-readable report: stdout is the report alone', () => {
  it('json and sarif parse, and npm’s own output goes to stderr (`added 1 package` followed the report)', async () => {
    const dir = project('machine', {});
    const installed = await depwarden(['install', 'dw-plain', '--format', 'json'], dir);
    expect(installed.status).toBe(0);
    expect(Array.isArray((JSON.parse(installed.stdout) as { findings: unknown }).findings)).toBe(true);
    expect(installed.stderr).toContain('added 1 package');
    expect(existsSync(join(dir, 'node_modules', 'dw-plain', 'package.json'))).toBe(true);

    const ciDir = join(work, 'machine-ci');
    mkdirSync(ciDir);
    for (const file of ['package.json', 'package-lock.json']) cpSync(join(dir, file), join(ciDir, file));
    const ci = await depwarden(['ci', '--format', 'sarif'], ciDir);
    expect(ci.status).toBe(0);
    expect(JSON.parse(ci.stdout)).toMatchObject({ version: '2.1.0', runs: [{ tool: { driver: { name: 'depwarden' } } }] });
    expect(ci.stderr).toContain('added 1 package');
    // Two gated npm installs in one test: 5 s on a quiet machine, 38 s at load 8, past 60 s at load 12.
  }, 120_000);
});

describe('depwarden init and the preinstall hook', () => {
  it('init wires a project, keeps what the user wrote, and changes nothing the second time', async () => {
    const dir = project(
      'to-init',
      { dependencies: { 'dw-allowed': '^1.0.0', 'dw-plain': '^1.0.0' }, scripts: { preinstall: 'echo mine' } },
      { '.npmrc': 'save-exact=true' },
    );
    for (const file of ['package-lock.json']) cpSync(join(work, 'good', file), join(dir, file));
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify(
        {
          name: 'to-init',
          version: '1.0.0',
          dependencies: { 'dw-allowed': '^1.0.0', 'dw-premarker': '^1.0.0', 'dw-plain': '^1.0.0' },
          scripts: { preinstall: 'echo mine' },
        },
        null,
        4,
      ),
    );
    const lockBefore = readFileSync(join(dir, 'package-lock.json'), 'utf8');
    const first = await depwardenHere(['init'], dir);
    expect(first.stdout).toContain('depwarden init: .depwardenrc.json: 2 install script(s) listed under "pendingReview"');
    expect(first.stdout).toContain('depwarden init: .npmrc: added ignore-scripts=true');
    expect(first.stdout).toContain('depwarden init: package.json: added scripts deps:install, deps:ci, deps:check');
    // depwarden@<this version> is on the registry (a squat): init neither fetches nor pins it, and says how to add it.
    expect(first.status).toBe(4);
    expect(first.stdout).toContain(
      `depwarden init: package.json: depwarden is not a devDependency: add it from a tarball you built (\`npm pack\` in a clone of depwarden), never by name from a registry`,
    );
    expect(first.stdout).toContain(`\`npm install --save-dev --save-exact <path>/depwarden-${TOOL_VERSION}.tgz\``);
    expect(readFileSync(join(dir, 'package-lock.json'), 'utf8')).toBe(lockBefore);
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).devDependencies).toBeUndefined();
    expect(first.stdout).toContain('uses: github/codeql-action/upload-sarif@v3');
    const policy = JSON.parse(readFileSync(join(dir, '.depwardenrc.json'), 'utf8'));
    expect(policy.pendingReview.map((entry: { package: string; script: string }) => `${entry.package}: ${entry.script}`)).toEqual([
      `dw-allowed: install: ${marker('dw-allowed')}`,
      `dw-premarker: preinstall: ${marker('dw-premarker')}`,
    ]);
    expect(readFileSync(join(dir, '.npmrc'), 'utf8')).toBe('save-exact=true\nignore-scripts=true\n');
    const manifest = readFileSync(join(dir, 'package.json'), 'utf8');
    expect(JSON.parse(manifest).scripts).toEqual({
      preinstall: 'echo mine',
      'deps:install': 'depwarden install',
      'deps:ci': 'depwarden ci',
      'deps:check': 'depwarden check',
    });
    expect(manifest).toMatch(/^\{\n {4}"name"/);

    const files = snapshot(dir);
    const second = await depwardenHere(['init'], dir);
    expect(second.status).toBe(4);
    expect(second.stdout).toContain('.depwardenrc.json: unchanged');
    expect(second.stdout).toContain('.npmrc: unchanged (ignore-scripts=true is already set)');
    expect(second.stdout).toContain('package.json: scripts unchanged');
    expect(snapshot(dir)).toEqual(files);
  });

  it('init exits 0 once package.json declares depwarden (from a tarball), and never asks npm for it by name', async () => {
    const dir = project('init-declared', { dependencies: { 'dw-plain': '^1.0.0' }, devDependencies: { depwarden: 'file:../depwarden-local.tgz' } });
    const run = await depwardenHere(['init'], dir);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('depwarden init: package.json: depwarden already declared');
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).devDependencies).toEqual({ depwarden: 'file:../depwarden-local.tgz' });
    expect(existsSync(join(dir, 'package-lock.json'))).toBe(false);
  });

  it('init refuses a malformed policy file with a one-line error', async () => {
    const dir = project('init-bad-rc', {}, { '.depwardenrc.json': '{ "allow": [' });
    const run = await depwardenHere(['init'], dir);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('.depwardenrc.json');
  });

  it('as a root preinstall hook under npm it checks, and says that npm runs it too late to stop scripts', async () => {
    const dir = project('hooked', { dependencies: { 'dw-plain': '^1.0.0' }, scripts: { preinstall: `node ${JSON.stringify(BIN)} check --hook` } });
    const npm = spawn('npm', ['install'], { cwd: dir, env: { ...ISOLATED_ENV, ...npmEnv() } });
    let output = '';
    npm.stdout.on('data', (chunk) => (output += chunk));
    npm.stderr.on('data', (chunk) => (output += chunk));
    const status = await new Promise((resolve) => npm.on('close', resolve));
    expect(status).toBe(0);
    expect(output).toContain('under npm 7+, pnpm, yarn 2+ and bun this preinstall hook runs after the dependencies were extracted');
    expect(output).toMatch(/depwarden: checked 1 package in node_modules|depwarden: checked 1 package in package-lock.json/);
  });
});
