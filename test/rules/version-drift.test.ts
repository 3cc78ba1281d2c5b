import { describe, expect, it } from 'vitest';
import { versionDrift } from '../../src/rules/version-drift.js';
import { findingsIn, lockTree, messageOf, published, registryEntry, withFacts } from '../support/tree.js';

const drifting = ['turned', 'grown', 'renamed', 'same', 'first', 'ordinary', 'commands', '@dw/core', 'fresh-dep', 'scripted-dep', 'squat-dep'];
// The dependencies the releases add, locked beside them: established names (debug, esbuild) and unknown ones.
const tree = lockTree(
  {
    ...Object.fromEntries(drifting.map((name) => [`node_modules/${name}`, registryEntry(name, '2.0.0')])),
    // ms is not locked here (another platform's optional dependency, say): judged by its name alone.
    'node_modules/ordinary': registryEntry('ordinary', '2.0.0', { dependencies: { ms: '^2' } }),
    'node_modules/fresh-dep': registryEntry('fresh-dep', '2.0.0', { dependencies: { debug: '^4' } }),
    'node_modules/scripted-dep': registryEntry('scripted-dep', '2.0.0', { dependencies: { esbuild: '^0.25' } }),
    'node_modules/debug': registryEntry('debug', '4.4.0'),
    'node_modules/esbuild': registryEntry('esbuild', '0.25.0', { hasInstallScript: true }),
  },
  { dependencies: Object.fromEntries(drifting.map((name) => [name, '^2'])) },
);
const previous = (manifest: object) => ({ previous: { version: '1.0.0', manifest } });
const now = new Date('2026-11-25T12:00:00Z');

describe('version-drift', () => {
  const context = withFacts(
    tree,
    {
      'node_modules/turned': published(
        '2.0.0',
        { scripts: { postinstall: 'node x.js' }, dependencies: { a: '^1', u: 'https://x.example.test/u.tgz' } },
        previous({ dependencies: { a: '^1' } }),
      ),
      'node_modules/grown': published(
        '2.0.0',
        { dependencies: { a: '^1', 'dw-unknown-helper': '^1' }, repository: 'github:x/grown' },
        previous({ dependencies: { a: '^1' }, repository: 'github:x/grown' }),
      ),
      'node_modules/renamed': published('2.0.0', {}, previous({ repository: 'github:x/renamed' })),
      'node_modules/same': published('2.0.0', { dependencies: { a: '^2' } }, previous({ dependencies: { a: '^1' } })),
      'node_modules/first': published('2.0.0', { scripts: { postinstall: 'node x.js' } }),
      'node_modules/ordinary': published('2.0.0', { dependencies: { ms: '^2' } }, previous({})),
      'node_modules/commands': published('2.0.0', { bin: { commands: 'cli.js' } }, previous({})),
      'node_modules/@dw/core': published('2.0.0', { name: '@dw/core', dependencies: { '@dw/util': '^1' } }, previous({})),
      'node_modules/fresh-dep': published('2.0.0', { dependencies: { debug: '^4' } }, previous({})),
      'node_modules/debug': published('4.4.0', {}, { firstPublished: new Date('2026-11-20T00:00:00Z') }),
      'node_modules/scripted-dep': published('2.0.0', { dependencies: { esbuild: '^0.25' } }, previous({})),
      'node_modules/squat-dep': published('2.0.0', { dependencies: { lodahs: '^1' } }, previous({})),
    },
    now,
  );

  it('weighs a release by what it adds: scripts and URL deps high, suspect deps and a dropped repository medium, the rest low', () => {
    expect(findingsIn(versionDrift, context)).toEqual([
      { location: 'node_modules/@dw/core', code: 'version-drift', severity: 'low' },
      { location: 'node_modules/commands', code: 'version-drift', severity: 'low' },
      { location: 'node_modules/fresh-dep', code: 'version-drift', severity: 'medium' },
      { location: 'node_modules/grown', code: 'version-drift', severity: 'medium' },
      { location: 'node_modules/ordinary', code: 'version-drift', severity: 'low' },
      { location: 'node_modules/renamed', code: 'version-drift', severity: 'medium' },
      { location: 'node_modules/scripted-dep', code: 'version-drift', severity: 'medium' },
      { location: 'node_modules/squat-dep', code: 'version-drift', severity: 'medium' },
      { location: 'node_modules/turned', code: 'version-drift', severity: 'high' },
    ]);
  });

  it('names why each added dependency is suspect', () => {
    const suspects = Object.fromEntries(
      versionDrift
        .check(context)
        .map((finding) => [finding.node.name, finding.detail.code === 'version-drift' ? finding.detail.suspectDependencies : undefined]),
    );
    expect(suspects).toMatchObject({
      grown: [{ name: 'dw-unknown-helper', concerns: ['little-used'] }],
      ordinary: [],
      '@dw/core': [],
      'fresh-dep': [{ name: 'debug', concerns: ['new-package'] }],
      'scripted-dep': [{ name: 'esbuild', concerns: ['install-script'] }],
      'squat-dep': [{ name: 'lodahs', concerns: ['little-used', 'near-miss'] }],
    });
  });

  it('says what changed', () => {
    const [turned, grown] = ['turned', 'grown'].map((name) => versionDrift.check(context).find((finding) => finding.node.name === name)!.detail);
    expect(turned).toEqual({
      code: 'version-drift',
      version: '2.0.0',
      previous: '1.0.0',
      addedScripts: ['postinstall'],
      addedDynamic: ['u'],
      addedDependencies: [],
      suspectDependencies: [],
      establishedMin: 100_000,
      addedBins: [],
      droppedRepository: false,
    });
    expect(messageOf(versionDrift, grown!)).toBe(
      '2.0.0, compared with 1.0.0, adds dependencies (dw-unknown-helper), dw-unknown-helper has fewer than 100K downloads/month',
    );
  });
  // The real case behind issue #13's one medium on the vite + react stack: vite@8.4.0 (2026-11-26) added, as an
  // optional dependency, a Windows-only native helper first published 13 days before it (after vite@8.3.8), with
  // a repository under another owner. Every one of those facts is also what a hijacked release adding its
  // freshly published payload can show: an attacker picks the payload's os/cpu (a Windows-only payload still
  // reaches every Windows developer who installs from the lockfile), writes its repository field (unverified
  // without provenance), and can publish it any time before the release (legitimate vendors publish helpers
  // seconds before: function.prototype.name@1.2.0 and is-document.all@1.0.0). So none of them lowers it.
  it('keeps a new, optional, platform-only dependency added by a popular package at medium', () => {
    const tree = lockTree(
      {
        'node_modules/vite': registryEntry('vite', '8.4.0', { optionalDependencies: { 'dw-windows-helper': '^0.1.0' } }),
        'node_modules/dw-windows-helper': registryEntry('dw-windows-helper', '0.1.0', { optional: true, os: ['win32'], cpu: ['x64', 'arm64'] }),
      },
      { dependencies: { vite: '^8' } },
    );
    const helper = { name: 'dw-windows-helper', version: '0.1.0', os: ['win32'], cpu: ['x64', 'arm64'], repository: 'github:someone-else/dw-windows-helper' };
    const context = withFacts(
      tree,
      {
        'node_modules/vite': published(
          '8.4.0',
          { name: 'vite', optionalDependencies: { fsevents: '~2.3.3', 'dw-windows-helper': '^0.1.0' }, repository: 'github:vitejs/vite' },
          {
            previous: { version: '8.3.8', manifest: { name: 'vite', optionalDependencies: { fsevents: '~2.3.3' }, repository: 'github:vitejs/vite' } },
            published: new Date('2026-11-26T10:59:36Z'),
          },
        ),
        'node_modules/dw-windows-helper': published('0.1.0', helper, { firstPublished: new Date('2026-11-13T09:02:07Z') }),
      },
      new Date('2026-12-02T02:30:00Z'),
    );
    const [finding] = versionDrift.check(context);
    expect(finding).toMatchObject({
      severity: 'medium',
      detail: { addedDependencies: ['dw-windows-helper'], suspectDependencies: [{ name: 'dw-windows-helper', concerns: ['little-used', 'new-package'] }] },
    });
  });
});
