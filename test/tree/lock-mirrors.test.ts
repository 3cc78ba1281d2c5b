import { describe, expect, it } from 'vitest';
import { foreignRegistry } from '../../src/rules/foreign-registry.js';
import { insecureProtocol } from '../../src/rules/insecure-protocol.js';
import { resolvedMismatch } from '../../src/rules/resolved-mismatch.js';
import { fixtureText, loadFixture } from '../support/lockfile-fixtures.js';
import { REGISTRIES, findingsOf } from '../support/tree.js';

const MIRROR = 'https://mirror.example.test/npm/';

const text = fixtureText;
const load = loadFixture;
const allowing = (...hosts: string[]) => ({ ...REGISTRIES, allowedHosts: hosts });

describe('registry mirrors in yarn berry and pnpm lockfiles, judged as npm resolved URLs are', () => {
  it('yarn berry: `npm:` entries come from .yarnrc.yml npmRegistryServer (npmScopes first): a mirror is foreign unless allowed', async () => {
    // No .yarnrc.yml in the project: the host is not known, as before (docs/formats.md says what cannot be seen).
    expect(findingsOf(foreignRegistry, await load('yarn-berry'))).toEqual([]);
    const mirrored = await load('yarn-berry', {
      '.yarnrc.yml': `npmRegistryServer: "${MIRROR}"\nnpmScopes:\n  dw:\n    npmRegistryServer: "https://registry.example.test"\n`,
    });
    expect(mirrored.nodes.get('node_modules/dw-util')!.resolved).toBe('https://mirror.example.test/npm/dw-util/-/dw-util-1.0.0.tgz');
    expect(mirrored.nodes.get('node_modules/@dw/scoped')!.resolved).toBe('https://registry.example.test/@dw/scoped/-/scoped-1.0.0.tgz');
    const foreign = findingsOf(foreignRegistry, mirrored).map((finding) => finding.location);
    expect(foreign.sort()).toEqual(
      [
        'node_modules/dw-alias',
        'node_modules/dw-core',
        'node_modules/dw-dev',
        'node_modules/dw-util',
        'node_modules/expresss',
        'packages/ws-a/node_modules/dw-core',
      ].sort(),
    );
    expect(findingsOf(foreignRegistry, mirrored, allowing('mirror.example.test'))).toEqual([]);
    // The synthesised URL names the package the entry is: nothing for resolved-mismatch.
    expect(findingsOf(resolvedMismatch, mirrored)).toEqual([]);
    // A plain-http registry server is what yarn fetches from: insecure-protocol.
    const plain = await load('yarn-berry', { '.yarnrc.yml': 'npmRegistryServer: "http://registry.example.test"\n' });
    expect(findingsOf(insecureProtocol, plain).length).toBeGreaterThan(0);
    // A value from the environment cannot be seen: the host stays unknown.
    const fromEnv = await load('yarn-berry', { '.yarnrc.yml': 'npmRegistryServer: "${REGISTRY_URL}"\n' });
    expect(fromEnv.nodes.get('node_modules/dw-util')!.resolved).toBeUndefined();
  });

  it('yarn berry: a tarball recorded as ::__archiveUrl= is what yarn fetches', async () => {
    const archive = encodeURIComponent('https://elsewhere.example.test/dw-util-1.0.0.tgz');
    const lock = text('yarn-berry', 'yarn.lock').replace('resolution: "dw-util@npm:1.0.0"', `resolution: "dw-util@npm:1.0.0::__archiveUrl=${archive}"`);
    const tree = await load('yarn-berry', { 'yarn.lock': lock });
    expect(tree.nodes.get('node_modules/dw-util')!.resolved).toBe('https://elsewhere.example.test/dw-util-1.0.0.tgz');
    expect(findingsOf(foreignRegistry, tree)).toEqual([{ location: 'node_modules/dw-util', code: 'foreign-registry', severity: 'high' }]);
    expect(findingsOf(foreignRegistry, tree, allowing('elsewhere.example.test'))).toEqual([]);
  });

  it('pnpm: a registry entry with resolution.tarball (a registry other than the default) is judged by that host', async () => {
    const lock = text('pnpm-v9', 'pnpm-lock.yaml').replace(
      /( {2}dw-util@1\.0\.0:\n {4}resolution: \{integrity: [^}]*)\}/,
      `$1, tarball: ${MIRROR}dw-util/-/dw-util-1.0.0.tgz}`,
    );
    expect(lock).not.toBe(text('pnpm-v9', 'pnpm-lock.yaml'));
    const tree = await load('pnpm-v9', { 'pnpm-lock.yaml': lock });
    expect(findingsOf(foreignRegistry, tree)).toEqual([{ location: 'node_modules/dw-util', code: 'foreign-registry', severity: 'high' }]);
    expect(findingsOf(foreignRegistry, tree, allowing('mirror.example.test'))).toEqual([]);
  });
});
