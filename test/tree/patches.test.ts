import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diskFiles } from '../../src/tree/files.js';
import { loadProject } from '../../src/tree/load.js';
import { berryPatchHash } from '../../src/tree/berry-patch-hash.js';
import { berryPatchFiles, pnpmPatchHashMatches } from '../../src/tree/patches.js';
import { FIXTURES } from '../support/paths.js';
import { tempDir } from '../support/temp.js';

const LOCKFILES = join(FIXTURES, 'lockfiles');
// What each manager with a patch mechanism wrote for dw-core 2.0.0 (scripts/make-lockfile-fixtures.mjs).
const PATCHED = [
  ['pnpm-v5', 'patches/dw-core@2.0.0.patch', 'patches/dw-core@2.0.0.patch', 'otwntqcsi25unftcsdqkp3qrbu'],
  ['pnpm-v6', 'patches/dw-core@2.0.0.patch', 'patches/dw-core@2.0.0.patch', '6jtyfvxfug3hj3aujit4l2zmo4'],
  ['pnpm-v9', 'patches/dw-core@2.0.0.patch', 'patches/dw-core@2.0.0.patch', '6jtyfvxfug3hj3aujit4l2zmo4'],
  ['bun', 'patches/dw-core@2.0.0.patch', 'patches/dw-core@2.0.0.patch', undefined],
  ['yarn-berry', '~/.yarn/patches/dw-core-npm-2.0.0-4a9a7367a2.patch', '.yarn/patches/dw-core-npm-2.0.0-4a9a7367a2.patch', '481c3d'],
] as const;

describe('patches read from the lockfiles the real package managers wrote', () => {
  it.each(PATCHED)('%s: the patch of dw-core 2.0.0, its file read', async (folder, file, path, hash) => {
    const dir = join(LOCKFILES, folder);
    const { tree } = await loadProject(diskFiles(dir), { nodeModules: false });
    expect(tree.patches).toEqual([
      { file, path, locations: ['node_modules/dw-core'], ...(tree.format === 'bun-lockfile' ? {} : { hash }), text: readFileSync(join(dir, path), 'utf8') },
    ]);
    expect(tree.nodes.get('node_modules/dw-core')).toMatchObject({ name: 'dw-core', version: '2.0.0' });
    // pnpm's hash is that of the file it wrote (pnpm 7: of its own diff, without the final newline).
    if (tree.format === 'pnpm-lockfile') expect(pnpmPatchHashMatches(hash!, readFileSync(join(dir, path), 'utf8'))).toBe(true);
    // yarn berry's, as yarn 4 computes it.
    if (tree.format === 'yarn-berry') expect(berryPatchHash(readFileSync(join(dir, path), 'utf8'))).toBe(hash);
  });

  it.each(['npm', 'yarn-classic'])('%s: no patch mechanism, none read', async (folder) => {
    const { tree } = await loadProject(diskFiles(join(LOCKFILES, folder)), { nodeModules: false });
    expect(tree.patches ?? []).toEqual([]);
  });

  it('yarn berry: the entry of the patched package itself stays out of the tree (only the patched one is installed)', async () => {
    const { tree } = await loadProject(diskFiles(join(LOCKFILES, 'yarn-berry')), { nodeModules: false });
    expect(
      [...tree.nodes.values()]
        .filter((node) => node.name === 'dw-core')
        .map((node) => `${node.location} ${node.version}`)
        .sort(),
    ).toEqual(['node_modules/dw-alias 1.0.0', 'node_modules/dw-core 2.0.0', 'packages/ws-a/node_modules/dw-core 1.0.0']);
    expect(tree.entryKeys?.get('node_modules/dw-core')).toMatch(/^dw-core@patch:/);
  });

  it.each([
    ['pnpm-v9', 'patches/dw-core@2.0.0.patch'],
    ['bun', 'patches/dw-core@2.0.0.patch'],
    ['yarn-berry', '.yarn/patches/dw-core-npm-2.0.0-4a9a7367a2.patch'],
  ])('%s: a patch file that is missing or not a file is read as a problem, not an error', async (folder, path) => {
    const dir = tempDir(`patches-${folder}`);
    cpSync(join(LOCKFILES, folder), dir, { recursive: true });
    rmSync(join(dir, path));
    const missing = await loadProject(diskFiles(dir), { nodeModules: false });
    expect(missing.tree.patches?.map(({ text, problem }) => ({ text, problem }))).toEqual([{ text: undefined, problem: 'the file does not exist' }]);
    cpSync(join(LOCKFILES, folder, 'packages'), join(dir, path), { recursive: true });
    const folderInstead = await loadProject(diskFiles(dir), { nodeModules: false });
    expect(folderInstead.tree.patches?.[0]?.problem).toBe('the file is not a regular file but a folder');
  });

  it('pnpm 10: a lockfile that records only the hash takes the file from package.json, else says it has none', async () => {
    const dir = tempDir('patches-pnpm10');
    cpSync(join(LOCKFILES, 'pnpm-v9'), dir, { recursive: true });
    const lockfile = readFileSync(join(dir, 'pnpm-lock.yaml'), 'utf8');
    const hashOnly = lockfile.replace(
      /patchedDependencies:\n {2}dw-core@2\.0\.0:\n {4}hash: (\w+)\n {4}path: .*\n/,
      'patchedDependencies:\n  dw-core@2.0.0: $1\n',
    );
    expect(hashOnly).not.toBe(lockfile);
    writeFileSync(join(dir, 'pnpm-lock.yaml'), hashOnly);
    const declared = await loadProject(diskFiles(dir), { nodeModules: false });
    expect(declared.tree.patches?.map(({ file, locations, problem }) => ({ file, locations, problem }))).toEqual([
      { file: 'patches/dw-core@2.0.0.patch', locations: ['node_modules/dw-core'], problem: undefined },
    ]);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...manifest, pnpm: undefined }));
    const undeclared = await loadProject(diskFiles(dir), { nodeModules: false });
    expect(undeclared.tree.patches?.map(({ file, problem }) => ({ file, problem }))).toEqual([
      { file: '', problem: 'the lockfile records only its hash, and package.json names no file for it' },
    ]);
  });
});

describe('yarn berry patch: references', () => {
  it.each([
    [
      'patch:dw-core@npm%3A2.0.0#~/.yarn/patches/dw-core.patch::version=2.0.0&hash=481c3d',
      [{ file: '~/.yarn/patches/dw-core.patch', path: '.yarn/patches/dw-core.patch', hash: '481c3d' }],
    ],
    // yarn's own compatibility patches are part of yarn, not project code.
    ['patch:resolve@npm%3A^1.20.0#optional!builtin<compat/resolve>::version=1.22.8&hash=c3c19d', []],
    ['patch:fsevents@^2.3.2#~builtin<compat/fsevents>::version=2.3.2&hash=18f3a7', []],
    ['patch:typescript@npm%3A5.4.5#builtin<compat/typescript>::version=5.4.5&hash=5adc0c', []],
    // Relative to the workspace that declared it; several files joined by `&`; `optional!` on a file of the project.
    [
      'patch:a@npm%3A1.0.0#./patches/one.patch&optional!./patches/two.patch::version=1.0.0&hash=1&locator=ws-a%40workspace%3Apackages%2Fws-a',
      [
        { file: './patches/one.patch', path: 'packages/ws-a/patches/one.patch' },
        { file: './patches/two.patch', path: 'packages/ws-a/patches/two.patch' },
      ],
    ],
    ['patch:a@npm%3A1.0.0#patches/a.patch::locator=app%40workspace%3A.', [{ file: 'patches/a.patch', path: 'patches/a.patch' }]],
    ['npm:1.0.0', []],
    // Outside the project: kept as written, so the loader can tell (and never reads it).
    ['patch:a@npm%3A1.0.0#/etc/passwd::version=1.0.0&locator=ws-a%40workspace%3Apackages%2Fws-a', [{ file: '/etc/passwd', path: '/etc/passwd' }]],
    ['patch:a@npm%3A1.0.0#~/../x.patch::version=1.0.0', [{ file: '~/../x.patch', path: '../x.patch' }]],
  ])('%s', (reference, expected) => {
    expect(berryPatchFiles(reference)).toEqual(expected);
  });
});

describe("yarn berry's patch hash, recomputed as yarn 4 computes it", () => {
  it('is the hash yarn wrote in the fixture lockfile (yarn patch-commit -s)', () => {
    const dir = join(FIXTURES, 'lockfiles', 'yarn-berry');
    const recorded = /#~\/(\.yarn\/patches\/[^:]+)::version=[^&]+&hash=([0-9a-f]+)/.exec(readFileSync(join(dir, 'yarn.lock'), 'utf8'))!;
    expect(berryPatchHash(readFileSync(join(dir, recorded[1]!), 'utf8'))).toBe(recorded[2]);
  });

  it.each([
    // Measured: yarn 4.18.1's own parsePatchFile and getPatchHash (taken from @yarnpkg/cli-dist) give these.
    [
      'a created file without a newline at its end, and a deleted one',
      'diff --git a/new.js b/new.js\nnew file mode 100644\nindex 0000000..e69de29\n--- /dev/null\n+++ b/new.js\n@@ -0,0 +1,2 @@\n+x\n+y\n\\ No newline at end of file\ndiff --git a/old.js b/old.js\ndeleted file mode 100755\nindex e69de29..0000000\n--- a/old.js\n+++ /dev/null\n@@ -1 +0,0 @@\n-z\n',
      '2aa223',
    ],
    [
      'a rename with a mode change',
      'diff --git a/a.sh b/b.sh\nold mode 100644\nnew mode 100755\nsimilarity index 100%\nrename from a.sh\nrename to b.sh\n',
      '8dd113',
    ],
    [
      'Windows line ends and a path through ..',
      'diff --git a/x/../y.js b/x/../y.js\nold mode 100644\nnew mode 100755\n--- a/x/../y.js\n+++ b/x/../y.js\n@@ -1,2 +1,2 @@\r\n-a\r\n+b\r\n c\r\n',
      'd03194',
    ],
  ])('%s', (_, text, hash) => {
    expect(berryPatchHash(text)).toBe(hash);
  });

  it('says nothing it cannot recompute exactly: a file yarn cannot parse, a semver exclusivity', () => {
    expect(berryPatchHash('not a patch\n')).toBeUndefined();
    expect(berryPatchHash('diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1,2 +1 @@\n-a\n+b\n')).toBeUndefined();
    expect(berryPatchHash('semver exclusivity ^1\ndiff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1 +1 @@\n-a\n+b\n')).toBeUndefined();
  });
});
