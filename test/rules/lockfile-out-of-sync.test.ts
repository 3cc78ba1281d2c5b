import { describe, expect, it } from 'vitest';
import { lockfileOutOfSync } from '../../src/rules/lockfile-out-of-sync.js';
import { loadProject } from '../../src/tree/load.js';
import type { FileSource } from '../../src/tree/files.js';
import { treeFromNames } from '../../src/tree/names.js';
import { contextOf, findingsIn, messageOf, registryEntry } from '../support/tree.js';

function project(files: Record<string, unknown>): FileSource {
  const texts = new Map(Object.entries(files).map(([path, value]) => [path, JSON.stringify(value)]));
  return { dir: '/project', readText: (path) => texts.get(path) };
}

const outOfSync = project({
  'package.json': { name: 'app', version: '1.0.0', workspaces: ['packages/*'], dependencies: { a: '^2.0.0', b: '^1.0.0' } },
  'packages/w/package.json': { name: 'w', version: '1.0.0', dependencies: { a: '^3.0.0' } },
  'package-lock.json': {
    name: 'app',
    lockfileVersion: 3,
    packages: {
      '': { name: 'app', version: '1.0.0', workspaces: ['packages/*'], dependencies: { a: '^1.0.0' } },
      'node_modules/a': registryEntry('a', '1.0.0'),
      'node_modules/w': { resolved: 'packages/w', link: true },
      'packages/w': { name: 'w', version: '1.0.0', dependencies: { a: '^1.0.0' } },
    },
  },
});

describe('lockfile-out-of-sync', () => {
  it('one medium finding per manifest the lockfile does not satisfy', async () => {
    const { tree } = await loadProject(outOfSync, { nodeModules: false });
    const context = contextOf(tree);
    expect(findingsIn(lockfileOutOfSync, context)).toEqual([
      { location: '', code: 'lockfile-out-of-sync', severity: 'medium' },
      { location: 'packages/w', code: 'lockfile-out-of-sync', severity: 'medium' },
    ]);
    const root = lockfileOutOfSync.check(context).find((finding) => finding.node.isRoot)!;
    expect(root.detail).toEqual({
      code: 'lockfile-out-of-sync',
      manifest: 'package.json',
      dependencies: [
        { name: 'a', spec: '^2.0.0', locked: '1.0.0' },
        { name: 'b', spec: '^1.0.0', locked: undefined },
      ],
    });
    expect(messageOf(lockfileOutOfSync, root.detail)).toMatch(
      /^the lockfile does not satisfy package\.json: "a": "\^2\.0\.0" is not satisfied by the locked 1\.0\.0; "b": "\^1\.0\.0" has no package locked\. npm ci refuses it/,
    );
  });

  it('nothing when the lockfile satisfies package.json', async () => {
    const inSync = project({
      'package.json': { name: 'app', version: '1.0.0', dependencies: { a: '^1.0.0' } },
      'package-lock.json': {
        lockfileVersion: 3,
        packages: { '': { name: 'app', dependencies: { a: '^1.0.1' } }, 'node_modules/a': registryEntry('a', '1.0.1') },
      },
    });
    const { tree } = await loadProject(inSync, { nodeModules: false });
    expect(findingsIn(lockfileOutOfSync, contextOf(tree))).toEqual([]);
  });

  it('package.json names pnpm and the project has only package-lock.json: one low finding on the project, naming both lockfiles', async () => {
    const lock = { lockfileVersion: 3, packages: { '': { name: 'app', dependencies: { a: '^1.0.0' } }, 'node_modules/a': registryEntry('a', '1.0.0') } };
    const manifest = { name: 'app', version: '1.0.0', dependencies: { a: '^1.0.0' } };
    const pnpmOnly = project({ 'package.json': { ...manifest, packageManager: 'pnpm@9.15.0' }, 'package-lock.json': lock });
    const { tree } = await loadProject(pnpmOnly, { nodeModules: false });
    const context = contextOf(tree);
    expect(findingsIn(lockfileOutOfSync, context)).toEqual([{ location: '', code: 'lockfile-other-manager', severity: 'low' }]);
    const [finding] = lockfileOutOfSync.check(context);
    expect(finding!.detail).toEqual({ code: 'lockfile-other-manager', manager: 'pnpm', lockfiles: ['pnpm-lock.yaml'], lockfile: 'package-lock.json' });
    expect(messageOf(lockfileOutOfSync, finding!.detail)).toBe(
      'package.json names pnpm as the package manager, but the project has no pnpm-lock.yaml: the lockfile checked, package-lock.json, is not the one pnpm reads, so pnpm resolves its own tree, which is not what is checked here',
    );
    // devEngines says the same; npm named, or the manager's own lockfile present, or no manager named: nothing.
    const devEngines = project({ 'package.json': { ...manifest, devEngines: { packageManager: { name: 'yarn' } } }, 'package-lock.json': lock });
    expect(findingsIn(lockfileOutOfSync, contextOf((await loadProject(devEngines, { nodeModules: false })).tree))).toEqual([
      { location: '', code: 'lockfile-other-manager', severity: 'low' },
    ]);
    for (const packageManager of ['npm@11.0.0', undefined, 'cnpm@1.0.0']) {
      const files = project({ 'package.json': { ...manifest, packageManager }, 'package-lock.json': lock });
      expect(findingsIn(lockfileOutOfSync, contextOf((await loadProject(files, { nodeModules: false })).tree))).toEqual([]);
    }
  });

  it('review: a deleted lockfile that leaves the project none is one medium finding on the project', () => {
    const alone = treeFromNames([], { sourceFile: 'web/package.json', projectDir: '/project/web' });
    expect(findingsIn(lockfileOutOfSync, contextOf(alone))).toEqual([]);
    const deletedLockfile = { lockfile: 'web/pnpm-lock.yaml', manifest: 'web/package.json', dependencies: 12 };
    const context = contextOf({ ...alone, deletedLockfile });
    expect(findingsIn(lockfileOutOfSync, context)).toEqual([{ location: '', code: 'lockfile-deleted', severity: 'medium' }]);
    const [finding] = lockfileOutOfSync.check(context);
    expect(finding!.detail).toEqual({ code: 'lockfile-deleted', ...deletedLockfile });
    expect(messageOf(lockfileOutOfSync, finding!.detail)).toMatch(
      /^the change deletes web\/pnpm-lock\.yaml and leaves web\/package\.json with no lockfile: the next install resolves its 12 dependencies and all of theirs anew/,
    );
  });
});
