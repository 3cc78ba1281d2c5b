import { describe, expect, it } from 'vitest';
import { namesNotJudged, unregisteredName } from '../../src/rules/unregistered-name.js';
import { contextOf, findingsIn, findingsOf, lockTree, published, PUBLIC_REGISTRY, REGISTRIES, registryEntry } from '../support/tree.js';

const HALLUCINATED = 'react-native-utils-helper-for-depwarden-tests';
const PUBLIC = { ...REGISTRIES, registry: PUBLIC_REGISTRY };
const REGISTRY_OF_FIXTURES = REGISTRIES.registry;

const tree = lockTree(
  {
    'node_modules/lodash': registryEntry('lodash', '4.17.21', { dependencies: { 'transitive-unknown-for-depwarden-tests': '^1' } }),
    'node_modules/transitive-unknown-for-depwarden-tests': registryEntry('transitive-unknown-for-depwarden-tests', '1.0.0'),
    [`node_modules/${HALLUCINATED}`]: registryEntry(HALLUCINATED, '1.0.0'),
    'node_modules/@corp/private-lib': registryEntry('@corp/private-lib', '1.0.0'),
    'node_modules/alias': { ...registryEntry('another-unknown-for-depwarden-tests', '1.0.0'), name: 'another-unknown-for-depwarden-tests' },
    'node_modules/g': { version: '1.0.0', resolved: 'git+ssh://git@github.com/u/g.git#0123456789abcdef0123456789abcdef01234567' },
  },
  {
    dependencies: {
      lodash: '^4',
      [HALLUCINATED]: '^1',
      '@corp/private-lib': '^1',
      alias: 'npm:another-unknown-for-depwarden-tests@1',
      g: 'u/g',
    },
  },
);

describe('unregistered-name', () => {
  it('flags direct dependencies from the public registry that its name record does not hold', () => {
    expect(findingsOf(unregisteredName, tree, PUBLIC)).toEqual([
      { location: 'node_modules/@corp/private-lib', code: 'unregistered-name', severity: 'medium' },
      { location: 'node_modules/alias', code: 'unregistered-name', severity: 'medium' },
      { location: `node_modules/${HALLUCINATED}`, code: 'unregistered-name', severity: 'medium' },
    ]);
  });

  it('leaves names from another registry, default or scoped, to that registry', () => {
    expect(findingsOf(unregisteredName, tree, REGISTRIES)).toEqual([]);
    const scoped = { ...PUBLIC, scopes: new Map([['@corp', 'https://npm.corp.example.test/']]) };
    expect(findingsOf(unregisteredName, tree, scoped).map((finding) => finding.location)).not.toContain('node_modules/@corp/private-lib');
  });

  it('a lockfile entry fetched from the public registry by its own tarball URL, with an integrity, proves the name was registered (#19)', () => {
    const fromPublic = (name: string, version: string, extra: Record<string, unknown> = {}) => ({
      ...registryEntry(name, version),
      resolved: `${PUBLIC_REGISTRY}${name}/-/${name}-${version}.tgz`,
      ...extra,
    });
    const proven = lockTree(
      {
        [`node_modules/${HALLUCINATED}`]: fromPublic(HALLUCINATED, '1.0.0'),
        'node_modules/no-integrity-for-depwarden-tests': fromPublic('no-integrity-for-depwarden-tests', '1.0.0', { integrity: undefined }),
        'node_modules/other-tarball-for-depwarden-tests': fromPublic('other-tarball-for-depwarden-tests', '1.0.0', {
          resolved: `${PUBLIC_REGISTRY}lodash/-/lodash-4.17.21.tgz`,
        }),
      },
      { dependencies: { [HALLUCINATED]: '^1', 'no-integrity-for-depwarden-tests': '^1', 'other-tarball-for-depwarden-tests': '^1' } },
    );
    expect(findingsOf(unregisteredName, proven, PUBLIC)).toEqual([
      { location: 'node_modules/no-integrity-for-depwarden-tests', code: 'unregistered-name', severity: 'medium' },
      { location: 'node_modules/other-tarball-for-depwarden-tests', code: 'unregistered-name', severity: 'medium' },
    ]);
  });

  it("offline, what it could not judge is listed by registry: another registry's names npm's cache lacks, unless locked from that registry", () => {
    const corp = 'https://npm.corp.example.test/';
    const offline = lockTree(
      {
        'node_modules/locked-here': registryEntry('locked-here', '1.0.0'),
        'node_modules/no-integrity': registryEntry('no-integrity', '1.0.0', { integrity: undefined }),
        'node_modules/cached': registryEntry('cached', '1.0.0', { integrity: undefined }),
        'node_modules/@corp/lib': registryEntry('@corp/lib', '1.0.0'),
        'node_modules/public-name': { ...registryEntry('public-name', '1.0.0'), resolved: `${PUBLIC_REGISTRY}public-name/-/public-name-1.0.0.tgz` },
      },
      { dependencies: { 'locked-here': '^1', 'no-integrity': '^1', cached: '^1', '@corp/lib': '^1', 'public-name': '^1' } },
    );
    const miss = { ok: false, notFound: false, cause: 'not in the cache', offline: true } as const;
    const facts = {
      byLocation: new Map([
        ['node_modules/no-integrity', miss],
        ['node_modules/cached', published('1.0.0', { name: 'cached', version: '1.0.0' })],
      ]),
      asked: 2,
      offline: true,
    };
    // @corp's registry is not the one its entry was locked from; the public registry's names are the name record's.
    const registries = { ...REGISTRIES, scopes: new Map([['@corp', corp]]) };
    const notJudged = (settings: typeof registries) =>
      Object.fromEntries([...namesNotJudged({ ...contextOf(offline, settings), facts })].map(([registry, names]) => [registry, [...names].sort()]));
    // public-name was locked from the public registry, not from the one npm is configured with: not proof there.
    expect(notJudged(registries)).toEqual({ [REGISTRY_OF_FIXTURES]: ['no-integrity', 'public-name'], [corp]: ['@corp/lib'] });
    // With the public registry configured, the name record judges them all (and the rule reports what it lacks).
    expect(notJudged({ ...registries, registry: PUBLIC_REGISTRY, scopes: new Map() })).toEqual({});
  });

  it("the registry's own 404 online is high even for a locked name (fail closed); offline the record keeps locked names medium", () => {
    const gone = { ok: false, notFound: true, cause: '404', offline: false } as const;
    const online = { ...contextOf(tree, PUBLIC), facts: { byLocation: new Map([[`node_modules/${HALLUCINATED}`, gone]]), asked: 1, offline: false } };
    expect(findingsIn(unregisteredName, online)).toContainEqual({ location: `node_modules/${HALLUCINATED}`, code: 'unregistered-name', severity: 'high' });
    // The names the registry was not asked about are judged by the record, as offline: locked, so medium.
    expect(findingsIn(unregisteredName, online)).toContainEqual({ location: 'node_modules/alias', code: 'unregistered-name', severity: 'medium' });
  });

  it("atob and btoa, which the name record's source leaves out, are registered (#19)", () => {
    const record = lockTree(
      { 'node_modules/atob': registryEntry('atob', '2.1.2'), 'node_modules/btoa': registryEntry('btoa', '1.2.1') },
      { dependencies: { atob: '^2', btoa: '^1' } },
    );
    expect(findingsOf(unregisteredName, record, PUBLIC)).toEqual([]);
  });
});
