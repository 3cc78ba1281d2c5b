import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diskFiles, type FileSource } from '../../src/tree/files.js';
import { loadProject } from '../../src/tree/load.js';
import { plainRegistrySpec, syncMessage } from '../../src/tree/sync.js';
import { FIXTURES } from '../support/paths.js';
import { registryEntry } from '../support/tree.js';

/** A project held in memory: package.json files and a v3 lockfile whose root entry records `recorded`. */
function project(files: Record<string, unknown>): FileSource {
  const texts = new Map(Object.entries(files).map(([path, value]) => [path, JSON.stringify(value)]));
  return { dir: '/project', readText: (path) => texts.get(path) };
}

function lockfile(rootEntry: Record<string, unknown>, packages: Record<string, unknown>) {
  return { name: 'app', lockfileVersion: 3, packages: { '': { name: 'app', version: '1.0.0', ...rootEntry }, ...packages } };
}

async function problemsOf(files: FileSource) {
  return (await loadProject(files, { nodeModules: false })).tree.outOfSync;
}

describe('lockfile sync, judged as npm ci judges it', () => {
  it('a declared range the locked version satisfies is in sync, whatever range the lockfile recorded (#19)', async () => {
    const files = project({
      'package.json': { name: 'app', version: '1.0.0', dependencies: { abbrev: '^1.1.0' } },
      'package-lock.json': lockfile({ dependencies: { abbrev: '^1.1.1' } }, { 'node_modules/abbrev': registryEntry('abbrev', '1.1.1') }),
    });
    expect(await problemsOf(files)).toEqual([]);
  });

  it('a dependency of a locked package with no entry is out of sync (npm ci resolves it anew); a missing peer is not', async () => {
    const files = project({
      'package.json': { name: 'app', version: '1.0.0', dependencies: { a: '^1.0.0' } },
      'package-lock.json': lockfile(
        { dependencies: { a: '^1.0.0' } },
        { 'node_modules/a': { ...registryEntry('a', '1.0.0'), dependencies: { ghost: '^2.0.0' }, peerDependencies: { host: '^1.0.0' } } },
      ),
    });
    expect(await problemsOf(files)).toEqual([
      { manifest: 'the dependencies of a@1.0.0', declarer: 'node_modules/a', name: 'ghost', spec: '^2.0.0', locked: undefined },
    ]);
  });

  it('a locked package no longer declared is in sync: npm ci prunes it', async () => {
    const files = project({
      'package.json': { name: 'app', version: '1.0.0', dependencies: { a: '^1.0.0' } },
      'package-lock.json': lockfile(
        { dependencies: { a: '^1.0.0', gone: '^1.0.0' } },
        { 'node_modules/a': registryEntry('a', '1.0.0'), 'node_modules/gone': registryEntry('gone', '1.0.0') },
      ),
    });
    expect(await problemsOf(files)).toEqual([]);
  });

  it('names each declared dependency the lockfile does not satisfy, with what is locked', async () => {
    const files = project({
      'package.json': {
        name: 'app',
        version: '1.0.0',
        dependencies: { a: '^2.0.0', alias: 'npm:real@^1.0.0', wrongalias: 'npm:other@^1.0.0', tagged: 'latest' },
        devDependencies: { missing: '^1.0.0' },
        optionalDependencies: { opt: '^1.0.0' },
        peerDependencies: { maybe: '^1.0.0' },
        peerDependenciesMeta: { maybe: { optional: true } },
      },
      'package-lock.json': lockfile(
        { dependencies: { a: '^1.0.0', alias: 'npm:real@^1.0.0', wrongalias: 'npm:real@^1.0.0', tagged: 'latest' } },
        {
          'node_modules/a': registryEntry('a', '1.0.0'),
          'node_modules/alias': { ...registryEntry('real', '1.2.0'), name: 'real' },
          'node_modules/wrongalias': { ...registryEntry('real', '1.2.0'), name: 'real' },
          'node_modules/tagged': registryEntry('tagged', '3.0.0'),
        },
      ),
    });
    expect(await problemsOf(files)).toEqual([
      { manifest: 'package.json', declarer: '', name: 'opt', spec: '^1.0.0', locked: undefined },
      { manifest: 'package.json', declarer: '', name: 'a', spec: '^2.0.0', locked: '1.0.0' },
      { manifest: 'package.json', declarer: '', name: 'wrongalias', spec: 'npm:other@^1.0.0', locked: '1.2.0' },
      { manifest: 'package.json', declarer: '', name: 'missing', spec: '^1.0.0', locked: undefined },
    ]);
  });

  it('judges URL and local folder dependencies by where the locked package comes from', async () => {
    const url = 'https://x.example.test/u-1.0.0.tgz';
    const files = project({
      'package.json': {
        name: 'app',
        version: '1.0.0',
        dependencies: { u: url, moved: 'https://x.example.test/m-2.tgz', lib: 'file:lib', elsewhere: 'file:other' },
      },
      'package-lock.json': lockfile(
        { dependencies: { u: url, moved: 'https://x.example.test/m-1.tgz', lib: 'file:lib', elsewhere: 'file:lib2' } },
        {
          'node_modules/u': { version: '1.0.0', resolved: url, integrity: 'sha512-AAAA' },
          'node_modules/moved': { version: '1.0.0', resolved: 'https://x.example.test/m-1.tgz', integrity: 'sha512-AAAA' },
          'node_modules/lib': { resolved: 'lib', link: true },
          lib: { name: 'lib', version: '1.0.0' },
          'node_modules/elsewhere': { resolved: 'lib2', link: true },
          lib2: { name: 'elsewhere', version: '1.0.0' },
        },
      ),
    });
    expect((await problemsOf(files))?.map(({ name, locked }) => [name, locked])).toEqual([
      ['moved', '1.0.0'],
      ['elsewhere', 'a link to lib2'],
    ]);
  });

  it("reads each workspace's own package.json", async () => {
    const files = project({
      'package.json': { name: 'app', version: '1.0.0', workspaces: ['packages/*'] },
      'packages/w/package.json': { name: 'w', version: '1.0.0', dependencies: { a: '^2.0.0' } },
      'package-lock.json': lockfile(
        { workspaces: ['packages/*'] },
        {
          'node_modules/w': { resolved: 'packages/w', link: true },
          'packages/w': { name: 'w', version: '1.0.0', dependencies: { a: '^1.0.0' } },
          'node_modules/a': registryEntry('a', '1.0.0'),
        },
      ),
    });
    const problems = await problemsOf(files);
    expect(problems).toEqual([{ manifest: 'packages/w/package.json', declarer: 'packages/w', name: 'a', spec: '^2.0.0', locked: '1.0.0' }]);
    expect(syncMessage(problems![0]!)).toBe(
      'is out of sync with packages/w/package.json: "a" wants "^2.0.0" but 1.0.0 is locked; run `npm install` to update it',
    );
    // The pnpm/yarn/bun gate names its manager's command.
    expect(syncMessage(problems![0]!, 'pnpm install')).toMatch(/; run `pnpm install` to update it$/);
  });

  it.each([
    ['out-of-sync', 'is out of sync with package.json: "a" wants "^2.0.0" but 1.0.0 is locked; run `npm install` to update it'],
    ['v1-unlocked', 'is out of sync with package.json: "b" is declared but no package for it is locked; run `npm install` to update it'],
    ['v1-wrong-version', 'is out of sync with package.json: "a" wants "^2.0.0" but 1.0.0 is locked; run `npm install` to update it'],
  ])('%s (on disk) loads, with the one problem npm ci would name', async (name, message) => {
    const { tree } = await loadProject(diskFiles(join(FIXTURES, 'bad', name)), { nodeModules: false });
    expect(tree.outOfSync?.map((problem) => syncMessage(problem))).toEqual([message]);
  });

  it('an entry flagged extraneous is dropped only when nothing reaches it: npm recomputes the flag and installs what is reached (#19)', async () => {
    const files = project({
      'package.json': { name: 'app', version: '1.0.0', dependencies: { abbrev: '^1.1.0' } },
      'package-lock.json': lockfile(
        { dependencies: { abbrev: '^1.1.0' } },
        {
          'node_modules/abbrev': { ...registryEntry('abbrev', '1.1.1'), extraneous: true },
          'node_modules/leftover': { ...registryEntry('leftover', '1.0.0'), extraneous: true },
          'node_modules/stray': registryEntry('stray', '1.0.0'),
        },
      ),
    });
    const { tree } = await loadProject(files, { nodeModules: false });
    expect([...tree.nodes.keys()].sort()).toEqual(['', 'node_modules/abbrev', 'node_modules/stray']);
  });
});

describe('plainRegistrySpec: plain specs read without npm-package-arg, as it reads them', () => {
  const require = createRequire(import.meta.url);
  const npa = require('npm-package-arg') as typeof import('npm-package-arg');
  const names = ['abbrev', '@scope/pkg', 'a.b-c_d~e', 'Upper', 'node_modules', '.hidden', '_under', 'two words', '@scope/'];
  const specs = [
    ...['^1.2.3', '~1.2', '1.x', '>=1 <2', '1.2.3', ' 1.2.3 ', 'v1.2.3', '=1.2.3', '*', 'x', '1.0.0 - 2.0.0', '^1 || ^2', '1.2.3-beta.1', '>1.2.3-rc.1+build'],
    ...[
      'latest',
      'next',
      '.5',
      '.1.2',
      '1.tgz',
      '1.2.tar',
      'file:x',
      'npm:a@1',
      'github:x/y',
      'x/y',
      'foo bar',
      '1.2.3#x',
      '~/x',
      'https://x.example.test/a.tgz',
    ],
  ];
  it('agrees with npa wherever it answers', () => {
    const answered = names.flatMap((name) => specs.map((spec) => [name, spec, plainRegistrySpec(name, spec)] as const)).filter(([, , ours]) => ours);
    expect(answered).toHaveLength(3 * 14);
    for (const [name, spec, ours] of answered) {
      const theirs = npa.resolve(name, spec, '/project');
      expect(ours, `${name}@${spec}`).toEqual({ type: theirs.type, name: theirs.name, fetchSpec: theirs.fetchSpec });
    }
  });

  it('answers the plain ranges and versions, and leaves the rest to npa', () => {
    expect(specs.filter((spec) => plainRegistrySpec('abbrev', spec) !== undefined)).toEqual(specs.slice(0, 14));
    expect(names.filter((name) => plainRegistrySpec(name, '^1') !== undefined)).toEqual(['abbrev', '@scope/pkg', 'a.b-c_d~e']);
  });
});
