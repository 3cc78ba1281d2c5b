import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { missingIntegrity } from '../../src/rules/missing-integrity.js';
import { nearMissName } from '../../src/rules/near-miss-name.js';
import { resolvedMismatch } from '../../src/rules/resolved-mismatch.js';
import { specResolutionMismatch } from '../../src/rules/spec-resolution-mismatch.js';
import { weakIntegrity } from '../../src/rules/weak-integrity.js';
import { loadProject } from '../../src/tree/load.js';
import type { DependencyTree } from '../../src/tree/model.js';
import { pathTo } from '../../src/tree/paths.js';
import { entryLines } from '../../src/report/entry-lines.js';
import { sourceOf } from '../../src/tree/queries.js';
import { fixtureText, loadFixture, lockfileProject } from '../support/lockfile-fixtures.js';
import { RULES } from '../../src/rules/index.js';
import { findingsOf } from '../support/tree.js';

const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const FORMATS = [
  ['npm', 'package-lock.json', 'npm-lockfile-v3'],
  ['yarn-classic', 'yarn.lock', 'yarn-classic'],
  ['yarn-berry', 'yarn.lock', 'yarn-berry'],
  ['pnpm-v5', 'pnpm-lock.yaml', 'pnpm-lockfile'],
  ['pnpm-v6', 'pnpm-lock.yaml', 'pnpm-lockfile'],
  ['pnpm-v9', 'pnpm-lock.yaml', 'pnpm-lockfile'],
  ['bun', 'bun.lock', 'bun-lockfile'],
] as const;

const text = fixtureText;
const load = loadFixture;

/** What a tree holds, whatever the layout: each package by name, version and kind of source; each edge by its ends. */
function summary(tree: DependencyTree) {
  const id = (node: DependencyTree['root']): string => {
    const real = node.target ?? node;
    if (real.isRoot || real.isWorkspace) return `project:${real.installName}`;
    const source = sourceOf(tree, real).type;
    // A tarball URL's version is in the tarball, which bun's lockfile does not repeat.
    return source === 'registry' || (source === 'tarball' && real.resolved?.includes('registry.example.test'))
      ? `${real.name}@${real.version}`
      : `${real.name} from ${source}`;
  };
  const packages = new Set<string>();
  const edges = new Set<string>();
  for (const node of tree.nodes.values()) {
    if (!node.isLink) packages.add(id(node));
    for (const edge of node.edgesOut.values()) {
      if (edge.type !== 'workspace') edges.add(`${id(node)} -> ${edge.name} (${edge.type}) = ${edge.to ? id(edge.to) : 'missing'}`);
    }
  }
  return { packages: [...packages].sort(), edges: [...edges].sort() };
}

describe('lockfiles written by each package manager', () => {
  it.each(FORMATS)('%s: %s is read as %s, every dependency resolved and reachable from the root', async (folder, file, format) => {
    const tree = await load(folder);
    expect([tree.sourceFile, tree.format]).toEqual([file, format]);
    for (const node of tree.nodes.values()) {
      for (const edge of node.edgesOut.values()) if (edge.type !== 'peer') expect(edge.to, `${node.location} -> ${edge.name}`).toBeDefined();
      if (!node.isRoot) expect(pathTo(tree, node).length, node.location).toBeGreaterThan(0);
    }
    expect(pathTo(tree, tree.nodes.get('packages/ws-a/node_modules/dw-core')!)).toEqual(['ws-a', 'dw-core']);
    const alias = tree.nodes.get('node_modules/dw-alias')!;
    expect([alias.installName, alias.name, alias.version]).toEqual(['dw-alias', 'dw-core', '1.0.0']);
    expect(tree.nodes.get('node_modules/dw-dev')!.dev || folder === 'bun').toBe(true);
  });

  it('the same project gives the same packages and edges in every format', async () => {
    const npm = summary(await load('npm'));
    expect(npm.packages).toEqual(expect.arrayContaining(['dw-payload from tarball', 'dw-gitdep from git']));
    for (const [folder] of FORMATS.slice(1)) expect(summary(await load(folder)), folder).toEqual(npm);
  });

  it.each(FORMATS)('%s: integrity is mapped so the integrity rules read it', async (folder) => {
    const tree = await load(folder);
    // npm, yarn berry and bun pin the tarball URL by sha512; yarn classic by the sha1 in the URL; pnpm records none.
    const payload = [...findingsOf(missingIntegrity, tree), ...findingsOf(weakIntegrity, tree)];
    const expected =
      { 'yarn-classic': ['weak-integrity'], 'pnpm-v5': ['missing-integrity'], 'pnpm-v6': ['missing-integrity'], 'pnpm-v9': ['missing-integrity'] }[
        folder as string
      ] ?? [];
    expect(payload.map((finding) => `${finding.location} ${finding.code}`)).toEqual(expected.map((code) => `node_modules/dw-payload ${code}`));
  });

  it('a planted near-miss name is found in every format', async () => {
    for (const [folder] of FORMATS) {
      expect(
        findingsOf(nearMissName, await load(folder)).map((finding) => finding.location),
        folder,
      ).toContain('node_modules/expresss');
    }
  });
});

describe('a tampered resolution is reported as for npm', () => {
  const tampered: [string, string, (lockfile: string) => string][] = [
    [
      'yarn-classic',
      'yarn.lock',
      (lock) =>
        lock.replace(/resolved "https:\/\/registry\.example\.test\/dw-util\/[^"]*"/, `resolved "git+ssh://git@git.example.test/evil/dw-util.git#${COMMIT}"`),
    ],
    [
      'yarn-berry',
      'yarn.lock',
      (lock) => lock.replace('resolution: "dw-util@npm:1.0.0"', `resolution: "dw-util@https://git.example.test/evil/dw-util.git#commit=${COMMIT}"`),
    ],
    [
      'pnpm-v9',
      'pnpm-lock.yaml',
      (lock) =>
        lock.replace(/(dw-util@1\.0\.0:\n\s+resolution: )\{[^}]*\}/, `$1{type: git, repo: 'https://git.example.test/evil/dw-util.git', commit: ${COMMIT}}`),
    ],
    ['pnpm-v6', 'pnpm-lock.yaml', (lock) => lock.replace(/(\/dw-util@1\.0\.0:\n\s+resolution: )\{[^}]*\}/, `$1{directory: ../evil, type: directory}`)],
    [
      'pnpm-v5',
      'pnpm-lock.yaml',
      (lock) =>
        lock.replace(
          /(\/dw-util\/1\.0\.0:\n\s+resolution: )\{[^}]*\}/,
          `$1{type: git, repo: 'ssh://git@git.example.test/evil/dw-util.git', commit: ${COMMIT}}`,
        ),
    ],
    [
      'bun',
      'bun.lock',
      (lock) => lock.replace(/"dw-util": \["dw-util@1\.0\.0", "[^"]*", /, `"dw-util": ["dw-util@github:evil/dw-util#${COMMIT.slice(0, 7)}", `),
    ],
  ];
  it.each(tampered)('%s: a registry range resolved to git or a folder is spec-resolution-mismatch', async (folder, file, tamper) => {
    const original = text(folder, file);
    const edited = tamper(original);
    expect(edited).not.toBe(original);
    expect(findingsOf(specResolutionMismatch, await load(folder))).toEqual([]);
    expect(findingsOf(specResolutionMismatch, await load(folder, { [file]: edited }))).toEqual([
      { location: 'node_modules/dw-util', code: 'spec-resolution-mismatch', severity: 'critical' },
    ]);
  });

  // The entry under `dw-core` (package.json: "^2.0.0") installs another package: npm ci and bun install take it as an
  // alias nobody declared.
  const swapped: [string, string, (lockfile: string) => string][] = [
    [
      'npm',
      'package-lock.json',
      (lock) =>
        lock.replace(
          '"node_modules/dw-core": {\n      "version": "2.0.0",\n      "resolved": "https://registry.example.test/dw-core/-/dw-core-2.0.0.tgz",',
          '"node_modules/dw-core": {\n      "name": "evil-pkg",\n      "version": "2.0.0",\n      "resolved": "https://registry.example.test/evil-pkg/-/evil-pkg-2.0.0.tgz",',
        ),
    ],
    [
      'bun',
      'bun.lock',
      (lock) => lock.replace('"dw-core": ["dw-core@2.0.0", "https://registry.example.test/dw-core/-/dw-core-2.0.0.tgz"', '"dw-core": ["evil-pkg@2.0.0", ""'),
    ],
  ];
  it.each(swapped)('%s: a registry range whose entry installs a package of another name is critical', async (folder, file, tamper) => {
    const original = text(folder, file);
    const edited = tamper(original);
    expect(edited).not.toBe(original);
    const tree = await load(folder, { [file]: edited });
    expect(tree.nodes.get('node_modules/dw-core')?.name).toBe('evil-pkg');
    expect(findingsOf(specResolutionMismatch, tree)).toEqual([{ location: 'node_modules/dw-core', code: 'other-package', severity: 'critical' }]);
  });

  // pnpm records what a package's dependencies resolved to, not what they asked for: a plain version there asks the
  // registry for it, so a git or folder entry under it is tampering too (it read as the dependent's own git spec).
  const transitive: [string, (lockfile: string) => string][] = [
    [
      'pnpm-v9',
      (lock) =>
        lock.replace(/(\n\s+dw-core@1\.0\.0:\n\s+resolution: )\{[^}]*\}/, `$1{type: git, repo: 'https://git.example.test/evil.git', commit: ${COMMIT}}`),
    ],
    ['pnpm-v6', (lock) => lock.replace(/(\/dw-core@1\.0\.0:\n\s+resolution: )\{[^}]*\}/, `$1{directory: ../../evil, type: directory}`)],
  ];
  it.each(transitive)('%s: a dependency of a package locked to git or a folder under a plain version is spec-resolution-mismatch', async (folder, tamper) => {
    const original = text(folder, 'pnpm-lock.yaml');
    const edited = tamper(original);
    expect(edited).not.toBe(original);
    const tree = await load(folder, { 'pnpm-lock.yaml': edited });
    const underUtil = [...tree.nodes.values()].find((node) => node.name === 'dw-core' && node.edgesIn.some((edge) => edge.from.name === 'dw-util'));
    expect(underUtil?.edgesIn.find((edge) => edge.from.name === 'dw-util')?.spec).toBe('1.0.0');
    expect(findingsOf(specResolutionMismatch, tree)).toContainEqual({ location: underUtil!.location, code: 'spec-resolution-mismatch', severity: 'critical' });
  });

  it('yarn berry: exec: is not readable as a source, a missing checksum is missing integrity, patch: keeps the package', async () => {
    const lock = text('yarn-berry', 'yarn.lock');
    const exec = await load('yarn-berry', {
      'yarn.lock': lock.replace('resolution: "dw-util@npm:1.0.0"', 'resolution: "dw-util@exec:./make-it.js::locator=lock-app%40workspace%3A."'),
    });
    expect(findingsOf(resolvedMismatch, exec)).toEqual([{ location: 'node_modules/dw-util', code: 'unparsable-resolved', severity: 'high' }]);
    const unpinned = await load('yarn-berry', { 'yarn.lock': lock.replace(/(resolution: "expresss@npm:1\.0\.0"\n)\s+checksum: .*\n/, '$1') });
    expect(findingsOf(missingIntegrity, unpinned)).toEqual([{ location: 'node_modules/expresss', code: 'missing-integrity', severity: 'high' }]);
    const patched = await load('yarn-berry', {
      'yarn.lock': lock.replace(
        'resolution: "dw-core@npm:2.0.0"',
        'resolution: "dw-core@patch:dw-core@npm%3A2.0.0#./fix.patch::version=2.0.0&hash=abc&locator=lock-app%40workspace%3A."',
      ),
    });
    const core = patched.nodes.get('node_modules/dw-core')!;
    expect([core.name, core.version, sourceOf(patched, core).type]).toEqual(['dw-core', '2.0.0', 'registry']);
  });
});

describe('pnpm lockfile features', () => {
  it('pnpm 9’s catalogs, injected workspace and publish directory: specs from the catalogs, the copy and the link local, nothing misjudged', async () => {
    const tree = await load('pnpm-v9-features');
    const root = tree.root.edgesOut;
    expect([root.get('dw-core')!.spec, root.get('dw-core')!.to!.version]).toEqual(['^2.0.0', '2.0.0']);
    expect([root.get('dw-util')!.spec, root.get('dw-util')!.to!.version]).toEqual(['^1.0.0', '1.0.0']);
    // dependenciesMeta.ws-b.injected: a hard copy of the workspace, its dependencies its own, fetched from its folder.
    const copy = root.get('ws-b')!.to!;
    expect([root.get('ws-b')!.spec, copy.name, copy.version, copy.isLink, copy.isWorkspace, sourceOf(tree, copy).type]).toEqual([
      'file:packages/ws-b',
      'ws-b',
      '1.0.0',
      false,
      true,
      'directory',
    ]);
    expect(copy.edgesOut.get('dw-core')!.to!.version).toBe('2.0.0');
    // publishConfig.directory (linkDirectory): ws-a links ws-c's dist folder, which is that workspace's.
    const published = tree.nodes.get('packages/ws-a')!.edgesOut.get('ws-c')!;
    expect([published.spec, (published.to!.target ?? published.to!).location]).toEqual(['file:packages/ws-c', 'packages/ws-c']);
    for (const rule of RULES) expect(findingsOf(rule, tree), rule.id).toEqual([]);
  });

  it('reads catalogs and a first packageManagerDependencies document', async () => {
    const lock = text('pnpm-v9', 'pnpm-lock.yaml')
      .replace('specifier: ^2.0.0', "specifier: 'catalog:'")
      .replace("lockfileVersion: '9.0'\n", "lockfileVersion: '9.0'\n\ncatalogs:\n  default:\n    dw-core:\n      specifier: ^2.0.0\n      version: 2.0.0\n");
    const first =
      "---\nlockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    packageManagerDependencies:\n      pnpm:\n        specifier: 10.0.0\n        version: 10.0.0\n\n---\n";
    const tree = await load('pnpm-v9', { 'pnpm-lock.yaml': first + lock });
    expect(tree.root.edgesOut.get('dw-core')!.spec).toBe('^2.0.0');
    expect(tree.root.edgesOut.get('dw-core')!.to!.version).toBe('2.0.0');
    await expect(load('pnpm-v9', { 'pnpm-lock.yaml': lock.replace(/catalogs:[\s\S]*?version: 2\.0\.0\n/, '') })).rejects.toThrow(
      /"catalog:" for "dw-core", which "catalogs" does not define/,
    );
  });
});

describe('yarn classic features', () => {
  // Written by yarn 1.22.22 (against a local registry, host rewritten): two parents ask for dw-core by two ranges that
  // one version satisfies, so yarn writes one entry under both descriptors and installs one package.
  const manifest = JSON.stringify({
    name: 'app',
    version: '1.0.0',
    private: true,
    dependencies: { 'dw-util': '^1.0.0', 'dw-other': '^1.0.0', 'dw-alias': 'npm:dw-core@^1.0.0' },
  });
  const lock = `# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
# yarn lockfile v1


"dw-alias@npm:dw-core@^1.0.0":
  version "1.0.1"
  resolved "https://registry.example.test/dw-core/-/dw-core-1.0.1.tgz#a7d17cddff4c8e403f76eba3998f695e4420dcb7"
  integrity sha512-BTdE+T/OzbxdDeTRosCOBbrEOuSqEiPsthdrpa7ZamYwS2OGzArh63aKWBc8w+/gsKvENo7e1nmIU9xXdw9vZg==

dw-core@^1.0.0, dw-core@~1.0.0:
  version "1.0.1"
  resolved "https://registry.example.test/dw-core/-/dw-core-1.0.1.tgz#a7d17cddff4c8e403f76eba3998f695e4420dcb7"
  integrity sha512-BTdE+T/OzbxdDeTRosCOBbrEOuSqEiPsthdrpa7ZamYwS2OGzArh63aKWBc8w+/gsKvENo7e1nmIU9xXdw9vZg==

dw-other@^1.0.0:
  version "1.0.0"
  resolved "https://registry.example.test/dw-other/-/dw-other-1.0.0.tgz#8eb2085f70fb9b8d97b31b1025323005045c288d"
  integrity sha512-HRm3xpRTORhtxYlPRsyqWi5ZL9vOu5rxLzqF8Kscz+qUmGFfVo1pS/GoTg2zJfd8oSrktV8XcHFLn6A4wwTwxA==
  dependencies:
    dw-core "~1.0.0"

dw-util@^1.0.0:
  version "1.0.0"
  resolved "https://registry.example.test/dw-util/-/dw-util-1.0.0.tgz#dbecaf7ec069f2cad7ddb18849a211c8fea08bea"
  integrity sha512-R+KGvXYyCgk5BWF9nfgBU5IGid3fqInH5CE0rwUCtLQJna/FXIRiAt/rpKtiv+5b4lQEXInG9pjDzjRFonJjMg==
  dependencies:
    dw-core "^1.0.0"
`;
  const files = { 'package.json': manifest, 'yarn.lock': lock, 'packages/ws-a/package.json': null };

  it.each([
    ['as yarn writes it (the fast path)', lock],
    ['as only yarn’s parser reads it (CRLF line ends)', lock.replaceAll('\n', '\r\n')],
  ])('one entry under two descriptors is one package, every edge into it, its chain and line that entry’s: %s', async (_, yarnLock) => {
    const tree = await load('yarn-classic', { ...files, 'yarn.lock': yarnLock });
    const cores = [...tree.nodes.values()].filter((node) => node.name === 'dw-core' && node.installName === 'dw-core');
    expect(cores.map((node) => node.location)).toEqual(['node_modules/dw-core']);
    const core = cores[0]!;
    expect(core.edgesIn.map((edge) => `${edge.from.name} ${edge.spec}`).sort()).toEqual(['dw-other ~1.0.0', 'dw-util ^1.0.0']);
    expect(tree.nodes.get('node_modules/dw-util')!.edgesOut.get('dw-core')!.to).toBe(core);
    expect(tree.nodes.get('node_modules/dw-other')!.edgesOut.get('dw-core')!.to).toBe(core);
    // The alias is an entry of its own in yarn, and installed under its own name.
    expect(tree.nodes.get('node_modules/dw-alias')!.name).toBe('dw-core');
    expect(tree.nodes.size).toBe(5);
    expect(pathTo(tree, core)).toEqual(['dw-util', 'dw-core']);
    expect(tree.outOfSync).toEqual([]);
    expect(entryLines(tree, yarnLock).get('node_modules/dw-core')).toBe(
      yarnLock.split('\n').findIndex((line) => line.startsWith('dw-core@^1.0.0, dw-core@~1.0.0:')) + 1,
    );
  });

  it('each descriptor of an entry must name a package npm could install', async () => {
    await expect(
      load('yarn-classic', { ...files, 'yarn.lock': lock.replace('dw-core@^1.0.0, dw-core@~1.0.0:', 'dw-core@^1.0.0, "../evil@~1.0.0":') }),
    ).rejects.toThrow(/"\.\.\/evil@~1\.0\.0" names a package "\.\.\/evil" that npm would refuse/);
  });
});

describe('which lockfile check reads', () => {
  const npmLock = text('npm', 'package-lock.json');
  const manifest = (extra: object): string => JSON.stringify({ ...JSON.parse(text('yarn-classic', 'package.json')), ...extra });

  it('prefers npm when package.json names no manager, and says which others it did not read', async () => {
    const loaded = await loadProject(lockfileProject('yarn-classic', { 'package-lock.json': npmLock }), { nodeModules: false });
    expect([loaded.tree.sourceFile, loaded.notChecked]).toEqual(['package-lock.json', ['yarn.lock']]);
  });

  it('reads the lockfile of the manager packageManager names', async () => {
    const files = lockfileProject('yarn-classic', { 'package-lock.json': npmLock, 'package.json': manifest({ packageManager: 'yarn@1.22.22' }) });
    const loaded = await loadProject(files, { nodeModules: false });
    expect([loaded.tree.sourceFile, loaded.tree.format, loaded.notChecked]).toEqual(['yarn.lock', 'yarn-classic', ['package-lock.json']]);
  });

  it('refuses bun.lockb with how to write the text lockfile', async () => {
    const files = lockfileProject('bun', { 'bun.lock': null, 'bun.lockb': '\u0000binary' });
    await expect(loadProject(files, { nodeModules: false })).rejects.toThrow(InputError);
    await expect(loadProject(files, { nodeModules: false })).rejects.toThrow(/bun install --save-text-lockfile/);
  });

  it.each([
    ['yarn-berry', 'yarn.lock', (lock: string) => lock.replace('version: 10', 'version: 3'), /__metadata.version 3/],
    ['pnpm-v9', 'pnpm-lock.yaml', (lock: string) => lock.replace("'9.0'", "'4.0'"), /lockfileVersion 4.0/],
    ['bun', 'bun.lock', (lock: string) => lock.replace('"packages": {', '"packages": {,,'), /not JSON bun can read/],
    ['pnpm-v9', 'pnpm-lock.yaml', () => 'importers: [', /not YAML pnpm can read/],
    ['yarn-classic', 'yarn.lock', (lock: string) => lock.replace('dw-core@^2.0.0:', '"../evil@^2.0.0":'), /npm would refuse/],
  ] as const)('%s: a %s it cannot read is an input error', async (folder, file, edit, message) => {
    await expect(load(folder, { [file]: edit(text(folder, file)) })).rejects.toThrow(message);
  });
});

describe('yarn berry features', () => {
  it('an optional dependency (`dependenciesMeta.<name>.optional`, a string to yarn’s parser) is an optional edge', async () => {
    const lock = text('yarn-berry', 'yarn.lock').replace(
      '  dependencies:\n    dw-util: "npm:^1.0.0"\n  checksum:',
      '  dependencies:\n    dw-util: "npm:^1.0.0"\n  dependenciesMeta:\n    dw-util:\n      optional: true\n  checksum:',
    );
    expect(lock).toContain('optional: true');
    const tree = await load('yarn-berry', { 'yarn.lock': lock });
    expect(tree.nodes.get('node_modules/@dw/scoped')!.edgesOut.get('dw-util')!.type).toBe('optional');
    const plain = await load('yarn-berry');
    expect(plain.nodes.get('node_modules/@dw/scoped')!.edgesOut.get('dw-util')!.type).toBe('prod');
  });
});
