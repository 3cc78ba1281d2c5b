import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockfileOutOfSync } from '../../src/rules/lockfile-out-of-sync.js';
import { diskFiles } from '../../src/tree/files.js';
import { loadProject } from '../../src/tree/load.js';
import type { SyncProblem } from '../../src/tree/model.js';
import { LOCKFILES, fixtureText, lockfileProject } from '../support/lockfile-fixtures.js';
import { contextOf, messageOf } from '../support/tree.js';
import { FROZEN_EDITS } from '../support/frozen-edits.mjs';
import { PNPM_FEATURE_EDITS } from '../support/pnpm-feature-edits.mjs';
import { tempDir } from '../support/temp.js';

/** What each manager's frozen install did with each edit (scripts/measure-frozen-lockfile.mjs, real managers). */
const VERDICTS = JSON.parse(readFileSync(join(LOCKFILES, 'frozen-cases.json'), 'utf8')) as Record<string, Record<string, 'accepted' | 'refused'>>;
/** The fixtures written by the manager measured (pnpm 9; pnpm 8's lockfile 6.0 also installs peers). */
const FOLDERS: Record<string, string[]> = {
  npm: ['npm'],
  'yarn-classic': ['yarn-classic'],
  'yarn-berry': ['yarn-berry'],
  pnpm: ['pnpm-v9', 'pnpm-v6'],
  bun: ['bun'],
};
/**
 * Where depwarden is stricter than the manager, on purpose: yarn 1 does not check its workspaces' ranges under
 * --frozen-lockfile and resolves an unlocked one anew, so the lockfile no longer says what is installed.
 */
const STRICTER = new Set(['yarn-classic workspace-range']);

const text = fixtureText;
const problemsOf = async (folder: string, overrides: Record<string, string | null> = {}): Promise<readonly SyncProblem[]> =>
  (await loadProject(lockfileProject(folder, overrides), { nodeModules: false })).tree.outOfSync ?? [];

function edited(folder: string, edit: Record<string, (manifest: Record<string, unknown>) => unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(edit).map(([file, change]) => [file, JSON.stringify(change(JSON.parse(text(folder, file))))]));
}

describe('out of sync as each frozen-lockfile mode judges it (verdicts of the real managers)', () => {
  const cases = Object.entries(FOLDERS).flatMap(([manager, folders]) =>
    folders.flatMap((folder) => Object.keys(FROZEN_EDITS).map((edit) => [manager, folder, edit, VERDICTS[manager]![edit]!] as const)),
  );
  it.each(cases)('%s (%s) %s: %s', async (manager, folder, edit, verdict) => {
    const problems = await problemsOf(folder, edited(folder, FROZEN_EDITS[edit as keyof typeof FROZEN_EDITS]));
    const refused = verdict === 'refused' || STRICTER.has(`${manager} ${edit}`);
    expect(problems.length > 0, JSON.stringify(problems)).toBe(refused);
  });

  it('the lockfiles as written are in sync', async () => {
    for (const folder of Object.values(FOLDERS).flat()) expect(await problemsOf(folder), folder).toEqual([]);
  });
});

describe('pnpm catalogs, an injected workspace and a publish directory, as pnpm 9’s frozen install judges them (its verdicts)', () => {
  const folder = 'pnpm-v9-features';
  const verdicts = VERDICTS[folder]!;
  const editOf = (edit: string): Record<string, string> =>
    Object.fromEntries(Object.entries(PNPM_FEATURE_EDITS[edit as keyof typeof PNPM_FEATURE_EDITS]).map(([file, change]) => [file, change(text(folder, file))]));

  it.each(Object.keys(PNPM_FEATURE_EDITS).map((edit) => [edit, verdicts[edit]!] as const))('%s: %s', async (edit, verdict) => {
    const overrides = editOf(edit);
    for (const [file, edited] of Object.entries(overrides)) expect(edited, `${edit} changes ${file}`).not.toBe(text(folder, file));
    const problems = await problemsOf(folder, overrides);
    expect(problems.length > 0, JSON.stringify(problems)).toBe(verdict === 'refused');
  });

  it('the lockfile as pnpm wrote it is in sync; what a refused edit says', async () => {
    expect(verdicts.unchanged).toBe('accepted');
    expect(await problemsOf(folder)).toEqual([]);
    expect(await problemsOf(folder, editOf('injected-removed'))).toEqual([
      { manifest: 'package.json', declarer: '', name: 'dependenciesMeta["ws-b"]', spec: undefined, locked: undefined, recorded: '{"injected":true}' },
    ]);
    expect(await problemsOf(folder, editOf('publish-directory-changed'))).toEqual([
      { manifest: 'packages/ws-c/package.json', declarer: 'packages/ws-c', name: 'publishConfig.directory', spec: 'lib', locked: undefined, recorded: 'dist' },
    ]);
  });
});

describe('what each problem says', () => {
  const range = edited('pnpm-v9', FROZEN_EDITS['range-still-satisfied']);

  it('pnpm and berry: a spec recorded otherwise names both; a name no longer declared names what is recorded', async () => {
    expect(await problemsOf('pnpm-v9', range)).toEqual([
      { manifest: 'package.json', declarer: '', name: 'dw-core', spec: '>=2.0.0', locked: '2.0.0', recorded: '^2.0.0' },
    ]);
    expect(await problemsOf('yarn-berry', edited('yarn-berry', FROZEN_EDITS['dependency-removed']))).toEqual([
      { manifest: 'package.json', declarer: '', name: 'dw-dev', spec: undefined, locked: '1.0.0', recorded: 'npm:^1.0.0' },
    ]);
    expect(await problemsOf('pnpm-v9', edited('pnpm-v9', FROZEN_EDITS['moved-to-dev']))).toEqual([
      { manifest: 'package.json', declarer: '', name: 'dw-util', spec: '^1.0.0', locked: '1.0.0', recorded: '^1.0.0' },
    ]);
  });

  it('yarn classic: a declared range with no entry; bun: a range the locked version does not satisfy', async () => {
    expect(await problemsOf('yarn-classic', edited('yarn-classic', FROZEN_EDITS['workspace-range']))).toEqual([
      { manifest: 'packages/ws-a/package.json', declarer: 'packages/ws-a', name: 'dw-core', spec: '~1.0.0', locked: undefined },
    ]);
    expect(await problemsOf('bun', edited('bun', FROZEN_EDITS['range-unsatisfied']))).toEqual([
      { manifest: 'package.json', declarer: '', name: 'dw-core', spec: '^3.0.0', locked: '2.0.0' },
    ]);
  });

  it('the finding names the manager whose frozen install refuses it and how to update the lockfile', async () => {
    const { tree } = await loadProject(lockfileProject('pnpm-v9', range), { nodeModules: false });
    const [finding] = lockfileOutOfSync.check(contextOf(tree));
    expect(finding!.detail).toEqual({
      code: 'lockfile-out-of-sync',
      manifest: 'package.json',
      dependencies: [{ name: 'dw-core', spec: '>=2.0.0', locked: '2.0.0', recorded: '^2.0.0' }],
      manager: 'pnpm',
    });
    expect(messageOf(lockfileOutOfSync, finding!.detail)).toBe(
      'the lockfile does not satisfy package.json: "dw-core": ">=2.0.0" is recorded in the lockfile as "^2.0.0". pnpm install --frozen-lockfile refuses it, and pnpm install would resolve these anew: what is checked here is the lockfile, not what will be installed',
    );
  });
});

describe('pnpm settings', () => {
  it('excludeLinksFromLockfile: a link: dependency package.json declares is not expected in the lockfile', async () => {
    const manifest = JSON.parse(text('pnpm-v9', 'package.json'));
    const linked = JSON.stringify({ ...manifest, dependencies: { ...manifest.dependencies, local: 'link:../local' } });
    const excluding = text('pnpm-v9', 'pnpm-lock.yaml').replace('excludeLinksFromLockfile: false', 'excludeLinksFromLockfile: true');
    expect(await problemsOf('pnpm-v9', { 'package.json': linked })).toEqual([
      { manifest: 'package.json', declarer: '', name: 'local', spec: 'link:../local', locked: undefined, recorded: undefined },
    ]);
    expect(await problemsOf('pnpm-v9', { 'package.json': linked, 'pnpm-lock.yaml': excluding })).toEqual([]);
  });
});

describe('a dependency with no locked entry is a finding, not an unresolved edge (fail closed)', () => {
  const missing: [string, string, (lock: string) => string, string][] = [
    ['pnpm-v9', 'pnpm-lock.yaml', (lock) => lock.replace(/( {2}dw-util@1\.0\.0:\n {4}dependencies:\n {6}dw-core: )1\.0\.0/, '$11.0.1'), '1.0.1'],
    ['pnpm-v5', 'pnpm-lock.yaml', (lock) => lock.replace(/( {2}\/dw-util\/1\.0\.0:\n.*\n {4}dependencies:\n {6}dw-core: )1\.0\.0/, '$11.0.1'), '1.0.1'],
    [
      'yarn-berry',
      'yarn.lock',
      (lock) => lock.replace(/(resolution: "dw-util@npm:1\.0\.0"\n {2}dependencies:\n {4}dw-core: )"npm:\^1\.0\.0"/, '$1"npm:^1.5.0"'),
      '^1.5.0',
    ],
    ['yarn-classic', 'yarn.lock', (lock) => lock.replace(/(dw-util@\^1\.0\.0:[\s\S]*?dw-core )"\^1\.0\.0"/, '$1"^1.5.0"'), '^1.5.0'],
    [
      'bun',
      'bun.lock',
      (lock) => lock.replace('{ "dependencies": { "dw-core": "^1.0.0" } }', '{ "dependencies": { "dw-core": "^1.0.0", "dw-gone": "^1.0.0" } }'),
      '^1.0.0',
    ],
  ];
  it.each(missing)('%s', async (folder, file, edit, spec) => {
    const lock = edit(text(folder, file));
    expect(lock).not.toBe(text(folder, file));
    const { tree } = await loadProject(lockfileProject(folder, { [file]: lock }), { nodeModules: false });
    const name = folder === 'bun' ? 'dw-gone' : 'dw-core';
    expect(tree.outOfSync).toEqual([{ manifest: 'the dependencies of dw-util@1.0.0', declarer: tree.outOfSync![0]!.declarer, name, spec, locked: undefined }]);
    const finding = lockfileOutOfSync.check(contextOf(tree))[0]!;
    expect([finding.node.name, finding.node.version]).toEqual(['dw-util', '1.0.0']);
    expect(messageOf(lockfileOutOfSync, finding.detail)).toMatch(
      new RegExp(`^the lockfile does not satisfy the dependencies of dw-util@1\\.0\\.0: "${name}": ".*" has no package locked`),
    );
  });
});

describe('a workspace the lockfile lacks', () => {
  it.each([
    ['pnpm-v9', 'pnpm'],
    ['yarn-berry', 'yarn'],
    ['bun', 'bun'],
  ])('%s: found by the workspace globs the manager reads, out of sync, its dependencies still judged', async (folder) => {
    const dir = tempDir('unlocked-workspace');
    cpSync(join(LOCKFILES, folder), dir, { recursive: true });
    mkdirSync(join(dir, 'packages', 'ws-b'));
    writeFileSync(join(dir, 'packages', 'ws-b', 'package.json'), JSON.stringify({ name: 'ws-b', version: '1.0.0', dependencies: { expresss: '^1.0.0' } }));
    const { tree } = await loadProject(diskFiles(dir), { nodeModules: false });
    expect(tree.outOfSync).toEqual([{ manifest: 'package.json', declarer: '', name: 'ws-b', spec: 'file:packages/ws-b', locked: undefined }]);
    expect(tree.nodes.get('packages/ws-b/node_modules/expresss')?.declaredOnly).toBe(true);
  });

  it('pnpm reads pnpm-workspace.yaml, not package.json "workspaces"', async () => {
    const dir = tempDir('pnpm-workspace-globs');
    cpSync(join(LOCKFILES, 'pnpm-v9'), dir, { recursive: true });
    mkdirSync(join(dir, 'other', 'ws-c'), { recursive: true });
    writeFileSync(join(dir, 'other', 'ws-c', 'package.json'), JSON.stringify({ name: 'ws-c', version: '1.0.0' }));
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...manifest, workspaces: ['packages/*', 'other/*'] }));
    expect((await loadProject(diskFiles(dir), { nodeModules: false })).tree.outOfSync).toEqual([]);
    writeFileSync(join(dir, 'pnpm-workspace.yaml'), 'packages:\n  - "packages/*"\n  - "other/*"\n');
    expect((await loadProject(diskFiles(dir), { nodeModules: false })).tree.outOfSync?.map(({ name }) => name)).toEqual(['ws-c']);
  });
});
