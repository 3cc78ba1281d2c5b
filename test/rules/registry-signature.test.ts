import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { registrySignature } from '../../src/rules/registry-signature.js';
import type { KeysResult } from '../../src/registry/client.js';
import { findingsIn, lockTree, published, REGISTRY, registryEntry, withFacts } from '../support/tree.js';

const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const KEY = { keyid: 'SHA256:k1', key: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'), expires: null };
const names = ['good', 'tampered', 'unsigned', 'unknown-key', 'expired', 'relocked'];
const entries = Object.fromEntries(names.map((name) => [`node_modules/${name}`, registryEntry(name, '1.0.0')]));
entries['node_modules/relocked'] = registryEntry('relocked', '1.0.0', { integrity: 'sha512-b3RoZXI=' });
const tree = lockTree(entries, { dependencies: Object.fromEntries(names.map((name) => [name, '^1'])) });

const integrity = (name: string) => registryEntry(name, '1.0.0').integrity;
const signed = (name: string, over = `${name}@1.0.0:${integrity(name)}`, keyid = KEY.keyid) =>
  published(
    '1.0.0',
    { dist: { integrity: integrity(name), signatures: [{ keyid, sig: sign('sha256', Buffer.from(over), privateKey).toString('base64') }] } },
    { published: new Date('2025-06-01T00:00:00Z') },
  );
const facts = {
  'node_modules/good': signed('good'),
  'node_modules/tampered': signed('tampered', 'tampered@1.0.0:sha512-other'),
  'node_modules/unsigned': published('1.0.0', { dist: { integrity: integrity('unsigned') } }),
  'node_modules/unknown-key': signed('unknown-key', undefined, 'SHA256:other'),
  'node_modules/expired': signed('expired', undefined, 'SHA256:old'),
  'node_modules/relocked': signed('relocked'),
};
const context = (keys: KeysResult) => ({
  ...withFacts(tree, facts),
  signingKeys: new Map([[REGISTRY, keys]]),
});

describe('registry-signature', () => {
  it('verifies every version against the published keys: invalid is critical, missing is high', () => {
    const keys: KeysResult = { state: 'keys', keys: [KEY, { keyid: 'SHA256:old', key: KEY.key, expires: '2024-01-01T00:00:00Z' }] };
    expect(findingsIn(registrySignature, context(keys))).toEqual([
      { location: 'node_modules/expired', code: 'signature-invalid', severity: 'critical' },
      { location: 'node_modules/relocked', code: 'signature-invalid', severity: 'critical' },
      { location: 'node_modules/tampered', code: 'signature-invalid', severity: 'critical' },
      { location: 'node_modules/unknown-key', code: 'signature-invalid', severity: 'critical' },
      { location: 'node_modules/unsigned', code: 'signature-missing', severity: 'high' },
    ]);
    const reasons = registrySignature.check(context(keys)).map((finding) => (finding.detail as { reason?: string }).reason);
    expect(reasons).toContain('signed with key SHA256:old, which expired 2024-01-01T00:00:00Z, before this version was published');
    expect(reasons).toContain(`the lockfile pins sha512-b3RoZXI=, not the integrity the registry signed (${integrity('relocked')})`);
  });

  it('a registry without keys says nothing per package; a key fault is unverified, offline cache misses are not', () => {
    expect(findingsIn(registrySignature, context({ state: 'none' }))).toEqual([]);
    expect(findingsIn(registrySignature, context({ state: 'unknown', cause: 'its signing keys could not be read: HTTP 500', offline: false }))).toEqual([
      { location: '', code: 'unverified', severity: 'medium' },
    ]);
    expect(findingsIn(registrySignature, context({ state: 'unknown', cause: 'not cached', offline: true }))).toEqual([]);
  });
});
