import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/config/policy.js';
import { execCommand, execScripts, installChecked } from '../../src/gate/exec.js';
import type { NpmRunner } from '../../src/gate/install.js';
import type { Launch } from '../../src/npm/launch.js';
import { KEPT_TREES, execFolderStore } from '../../src/registry/exec-folders.js';
import type { ResolvedLaunch } from '../../src/registry/ideal-tree.js';
import { RULE_IDS } from '../../src/rules/index.js';
import { lockTree, registryEntry } from '../support/tree.js';
import { tempDir } from '../support/temp.js';

const resolved = (name: string, bin: Record<string, string>): ResolvedLaunch => ({
  spec: name,
  location: `node_modules/${name}`,
  name,
  version: '1.0.0',
  resolved: undefined,
  fromRegistry: true,
  bin,
});
const launch = (more: Partial<Launch> = {}): Launch => ({
  runner: 'npx',
  packages: [{ spec: 'x', argIndex: 0, prefix: '' }],
  command: undefined,
  call: undefined,
  commandArgs: ['--stdio'],
  yes: true,
  settings: [],
  ...more,
});

describe('execCommand: what runs once the checked tree is installed', () => {
  it('the one bin, the bin named after the package (scope dropped), a named command, or -c', () => {
    expect(execCommand(launch(), [resolved('x', { serve: 'cli.js' })])).toEqual({ kind: 'bin', name: 'serve', args: ['--stdio'] });
    expect(execCommand(launch(), [resolved('@acme/tool', { tool: 'a.js', other: 'b.js' })])).toEqual({ kind: 'bin', name: 'tool', args: ['--stdio'] });
    expect(execCommand(launch({ command: 'other' }), [resolved('x', { a: 'a.js', b: 'b.js' })])).toEqual({ kind: 'bin', name: 'other', args: ['--stdio'] });
    expect(execCommand(launch({ call: 'x --help' }), [resolved('x', {})])).toEqual({ kind: 'call', line: 'x --help' });
  });

  it('says why when it cannot tell which executable npm exec would run', () => {
    expect(() => execCommand(launch(), [resolved('x', {})])).toThrow('x@1.0.0 has no executable: name the one to run with -p <package> <command>');
    expect(() => execCommand(launch(), [resolved('x', { a: 'a.js', b: 'b.js' })])).toThrow('x@1.0.0 has several executables and none named after it');
  });
});

describe('execScripts: install scripts per package, as the policy allows them', () => {
  it('reads hasInstallScript (the ideal tree has no scripts) and splits by the allowlist', () => {
    const tree = lockTree({
      'node_modules/dw-ok': registryEntry('dw-ok', '1.0.0', { hasInstallScript: true }),
      'node_modules/dw-no': registryEntry('dw-no', '1.0.0', { hasInstallScript: true }),
      'node_modules/dw-plain': registryEntry('dw-plain', '1.0.0'),
    });
    const policy = parsePolicy({ allow: [{ package: 'dw-ok', rule: 'install-script', reason: 'reviewed' }] }, '.depwardenrc.json', RULE_IDS);
    const { allowed, blocked } = execScripts(tree, policy);
    expect({ allowed: allowed.map((node) => node.name), blocked: blocked.map((node) => node.name) }).toEqual({ allowed: ['dw-ok'], blocked: ['dw-no'] });
  });
});

describe('installChecked: the checked lockfile, installed once per tree', () => {
  const lockfile = { manifest: '{"name":"depwarden-exec","dependencies":{"x":"^1.0.0"}}\n', lockfile: '{"lockfileVersion":3,"packages":{}}\n' };
  /** npm as far as installChecked sees it: the calls, and a finished node_modules as npm ci leaves one. */
  function recordingNpm(failOn?: string): { npm: NpmRunner; calls: string[] } {
    const calls: string[] = [];
    const npm: NpmRunner = async (args, cwd) => {
      calls.push(`${args.join(' ')} | ${readFileSync(join(cwd, 'package-lock.json'), 'utf8') === lockfile.lockfile ? 'lockfile' : 'other'}`);
      if (args[0] === failOn) return 4;
      mkdirSync(join(cwd, 'node_modules'), { recursive: true });
      writeFileSync(join(cwd, 'node_modules', '.package-lock.json'), '{}');
      return 0;
    };
    return { npm, calls };
  }

  it('npm ci --ignore-scripts of exactly that lockfile, then the allowed scripts; the next start of the same tree reuses the folder', async () => {
    const root = tempDir('exec-folders');
    const { npm, calls } = recordingNpm();
    const allowed = lockTree({ 'node_modules/dw-ok': registryEntry('dw-ok', '1.0.0', { hasInstallScript: true }) }).nodes.get('node_modules/dw-ok')!;
    const plan = { lockfile, allowed: [allowed], npmOptions: ['--registry=http://registry.example.test/'], folders: execFolderStore(root), npm };
    const first = await installChecked(plan);
    expect(calls).toEqual([
      'ci --ignore-scripts --package-lock=true --no-audit --no-fund --registry=http://registry.example.test/ | lockfile',
      'rebuild dw-ok@1.0.0 --ignore-scripts=false --registry=http://registry.example.test/ | lockfile',
    ]);
    expect(first).toEqual({ folder: expect.stringMatching(/[0-9a-f]{32}$/), reused: false });
    expect(await installChecked(plan)).toEqual({ ...first, reused: true });
    expect(calls).toHaveLength(2);
    // Other allowed scripts are another install: the folder of the first ran a script this policy may not allow.
    const other = await installChecked({ ...plan, allowed: [] });
    expect(other).toMatchObject({ reused: false });
    expect((other as { folder: string }).folder).not.toBe((first as { folder: string }).folder);
    expect(readdirSync(root).sort()).toHaveLength(2);
  });

  it("npm fetches with the project's .npmrc (a private registry's token), and the kept folder no longer holds it", async () => {
    const root = tempDir('exec-folders-npmrc');
    const seen: (string | undefined)[] = [];
    const { npm: record } = recordingNpm();
    const npm: NpmRunner = async (args, cwd) => {
      seen.push(existsSync(join(cwd, '.npmrc')) ? readFileSync(join(cwd, '.npmrc'), 'utf8') : undefined);
      return record(args, cwd);
    };
    const projectConfig = '//registry.example.test/:_authToken=${PRIVATE_TOKEN}\n';
    const installed = await installChecked({ lockfile, allowed: [], npmOptions: [], projectConfig, folders: execFolderStore(root), npm });
    expect(seen).toEqual([projectConfig]);
    expect(existsSync(join((installed as { folder: string }).folder, '.npmrc'))).toBe(false);
  });

  it('a failed npm step is its exit code, and leaves no folder behind to be reused', async () => {
    const root = tempDir('exec-folders-fail');
    const { npm } = recordingNpm('ci');
    expect(await installChecked({ lockfile, allowed: [], npmOptions: [], folders: execFolderStore(root), npm })).toEqual({ failed: 4 });
    expect(readdirSync(root)).toEqual([]);
  });
});

describe('execFolderStore: finished folders only, by key', () => {
  it('a folder npm did not finish is never found; the second of two installs of one key uses the first', () => {
    const root = tempDir('exec-store');
    const store = execFolderStore(root);
    const one = store.create({ 'package.json': '{}' });
    const two = store.create({ 'package.json': '{}' });
    expect(readFileSync(join(one, 'package.json'), 'utf8')).toBe('{}');
    for (const folder of [one, two]) {
      mkdirSync(join(folder, 'node_modules'));
      writeFileSync(join(folder, 'node_modules', '.package-lock.json'), folder);
    }
    expect(store.find('k')).toBeUndefined();
    const kept = store.keep('k', one);
    expect(store.keep('k', two)).toBe(kept);
    store.discard(two);
    expect(readFileSync(join(kept, 'node_modules', '.package-lock.json'), 'utf8')).toBe(one);
    expect(store.find('k')).toBe(kept);
    expect(existsSync(one) || existsSync(two)).toBe(false);
    mkdirSync(join(root, 'half'));
    expect(store.find('half')).toBeUndefined();
  });

  it(`keeps the ${KEPT_TREES} trees started last, and removes installs abandoned a day ago`, () => {
    const root = tempDir('exec-prune');
    let clock = Date.UTC(2026, 0, 1);
    const store = execFolderStore(root, () => clock);
    const finished = (): string => {
      const folder = store.create({ 'package.json': '{}' });
      mkdirSync(join(folder, 'node_modules'));
      writeFileSync(join(folder, 'node_modules', '.package-lock.json'), '{}');
      return folder;
    };
    const key = (index: number): string => index.toString(16).padStart(32, '0');
    const abandoned = store.create({ 'package.json': '{}' });
    utimesSync(abandoned, (clock - 25 * 3600_000) / 1000, (clock - 25 * 3600_000) / 1000);
    const running = store.create({ 'package.json': '{}' });
    for (let index = 0; index < KEPT_TREES; index++) {
      clock += 1000;
      store.keep(key(index), finished());
    }
    expect(existsSync(abandoned)).toBe(false);
    expect(existsSync(running)).toBe(true);
    // Starting the oldest tree again makes it the one used last: the second oldest goes when a new tree is kept.
    clock += 1000;
    expect(store.find(key(0))).toBe(join(root, key(0)));
    clock += 1000;
    store.keep(key(KEPT_TREES), finished());
    const kept = readdirSync(root).filter((name) => !name.startsWith('.'));
    expect(kept).toHaveLength(KEPT_TREES);
    expect(kept).toContain(key(0));
    expect(kept).not.toContain(key(1));
    expect(kept).toContain(key(KEPT_TREES));
  });
});
