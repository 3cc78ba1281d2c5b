import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { randomEdits } from '../support/random-edits.js';
import { parsePnpmLockfileFast } from '../../src/tree/pnpm-lockfile-fast.js';
import { FIXTURES } from '../support/paths.js';

const fixture = (path: string) => readFileSync(join(FIXTURES, 'lockfiles', path), 'utf8');
// v9-features: catalogs, an injected workspace (dependenciesMeta), a workspace's publishDirectory.
const FIXTURE_PATHS = ['v5', 'v5/before', 'v6', 'v6/before', 'v9', 'v9/before', 'v9-features'].map((version) => `pnpm-${version}/pnpm-lock.yaml`);
// pnpm 10's two documents (the package manager's own lockfile first), a list, flow mappings and lists, typed scalars.
const WRITTEN = `---
lockfileVersion: '9.0'

importers:

  .:
    packageManagerDependencies:
      pnpm:
        specifier: 10.0.0
        version: 10.0.0

packages:

  pnpm@10.0.0:
    resolution: {integrity: sha512-abc==}
    engines: {node: '>=18.12'}
    hasBin: true

snapshots:

  pnpm@10.0.0: {}

---
lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

catalogs:
  default:
    b:
      specifier: ^2.0.0
      version: 2.0.0

importers:

  .:
    dependencies:
      '@s/a':
        specifier: ^1.0.0
        version: 1.2.0(b@2.0.0)
      b:
        specifier: 'catalog:'
        version: 2.0.0

packages:

  '@s/a@1.2.0':
    resolution: {integrity: sha512-tkaw0QGNt6+J/rBa57pYMSJONsEpf8r6R8oL9+jW0P12RbtoY+MyZ3cCbBYW5OSwE904DpkQfba1Mtc7PgxCgg==}
    peerDependencies:
      b: '*'
    cpu: [x64, arm64]
    os: [darwin]

  b@2.0.0:
    resolution: {tarball: https://registry.example.test/b/-/b-2.0.0.tgz}
    deprecated: it''s old
    libc: []

  c@git+https://git.example.test/c.git#0123abcd:
    resolution: {commit: 0123abcd, repo: https://git.example.test/c.git, type: git}
    version: 1.0.0

snapshots:

  '@s/a@1.2.0(b@2.0.0)':
    dependencies:
      b: 2.0.0
    transitivePeerDependencies:
      - supports-color
      - '@types/node'
    optional: true

  b@2.0.0: {}
`;

describe('the fast path for pnpm lockfiles reads what pnpm writes exactly as js-yaml does', () => {
  it.each([...FIXTURE_PATHS.map((path) => [path, fixture(path)]), ['two documents, lists, flow mappings and lists, typed scalars', WRITTEN]])(
    '%s',
    (_, text) => {
      const fast = parsePnpmLockfileFast(text);
      expect(fast).toBeDefined();
      expect(fast).toStrictEqual(jsYaml.loadAll(text));
    },
  );

  it('keeps js-yaml types: a lockfileVersion written as a number is a number, a quoted one a string; booleans are booleans', () => {
    expect(parsePnpmLockfileFast(fixture('pnpm-v5/pnpm-lock.yaml'))?.[0]).toMatchObject({ lockfileVersion: 5.4 });
    const [, project] = parsePnpmLockfileFast(WRITTEN) as [unknown, { lockfileVersion: unknown; settings: unknown }];
    expect(project).toMatchObject({ lockfileVersion: '9.0', settings: { autoInstallPeers: true, excludeLinksFromLockfile: false } });
  });

  it.each([
    ['an escape', WRITTEN.replace("'>=18.12'", '">=18\\u002e12"')],
    ['a flow mapping inside a flow mapping', WRITTEN.replace('{node: ', '{node: {a: b}, x: ')],
    ['a flow mapping with a comma in a quoted scalar', WRITTEN.replace("'>=18.12'", "'>=18, <20'")],
    ['a flow mapping over two lines', WRITTEN.replace('{node: ', '{\n      node: ')],
    ['a block scalar', WRITTEN.replace('deprecated: it', 'deprecated: |\n      it')],
    ['an anchor', WRITTEN.replace('hasBin: true', 'hasBin: &x true')],
    ['a tag', WRITTEN.replace('hasBin: true', 'hasBin: !!str true')],
    ['a comment after a value', WRITTEN.replace('hasBin: true', 'hasBin: true # why')],
    ['an empty value', WRITTEN.replace('hasBin: true', 'hasBin:')],
    ['a merge key', WRITTEN.replace('hasBin: true', '<<: {a: b}')],
    ['a tab', WRITTEN.replace('  autoInstallPeers', '\tautoInstallPeers')],
    ['CRLF line ends', WRITTEN.replaceAll('\n', '\r\n')],
    ['an odd indent', WRITTEN.replace('  autoInstallPeers', '   autoInstallPeers')],
    ['a duplicate key', WRITTEN.replace('  autoInstallPeers: true', '  autoInstallPeers: true\n  autoInstallPeers: false')],
    ['a list item that is a mapping', WRITTEN.replace('- supports-color', '- supports: color')],
    ['a list at the indent of its key', WRITTEN.replace('      - supports-color', '    - supports-color')],
    ['a document end marker', WRITTEN.replace('\n---\n', '\n...\n---\n')],
    ['a plain scalar over two lines', WRITTEN.replace('deprecated: it', 'deprecated: it\n      goes on')],
    ['a non-ASCII character', WRITTEN.replace("it''s old", 'it\u2019s old')],
  ])('leaves %s to js-yaml', (_, text) => {
    expect(parsePnpmLockfileFast(text)).toBeUndefined();
  });

  it.each([
    ['a real pnpm 9 lockfile', fixture('pnpm-v9/pnpm-lock.yaml'), 9],
    ['a real pnpm 5.4 lockfile', fixture('pnpm-v5/pnpm-lock.yaml'), 5],
    ['two documents with lists and flow collections', WRITTEN, 10],
  ])('on 1,000 random changes (one to three edits each) of %s: the same documents as js-yaml, or no answer', (_, original, firstSeed) => {
    const pieces = [
      ...[' ', '  ', '\n', ':', ': ', ',', ', ', '"', "'", "''", '#', ' #', 'a', '1', '.5', '-', '- ', '@', '{', '}', '[', ']', '{}', '|', '&', '!'],
      ...['~', '\\', '<<', 'true', 'null', '0x1F', '2001-12-14', '1_000', '.inf', '\n  ', '\n    x: y', '\n      - z', ':\n', '\n---\n', '---', '...'],
    ];
    let answered = 0;
    for (const edited of randomEdits(original, pieces, firstSeed)) {
      const fast = parsePnpmLockfileFast(edited);
      if (fast === undefined) continue;
      answered++;
      let loaded: unknown;
      try {
        loaded = jsYaml.loadAll(edited);
      } catch (error) {
        throw new Error(`the fast path read an edit js-yaml refuses (${String(error)}):\n${edited}`);
      }
      expect(fast, edited).toStrictEqual(loaded);
    }
    expect(answered).toBeGreaterThan(200);
  });
});
