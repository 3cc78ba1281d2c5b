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
});
