import { createPublicKey, verify } from 'node:crypto';
import type { RegistryKey, RegistrySignature } from './manifest.js';

/**
 * The registry's signature check, as npm does it (pacote's `verifySignatures`, `npm audit signatures`): every
 * signature of `dist.signatures` must name a key the registry publishes, made before that key expired, and verify
 * (ECDSA P-256, SHA-256) over `name@version:integrity`. pacote does this only inside `manifest()`, which fetches
 * the packument again and throws at the first fault; depwarden already holds the version's facts, so the same
 * steps are taken here, on them, and the outcome is a value. Pure: no I/O.
 */
export type SignatureVerdict =
  { readonly ok: true } | { readonly ok: false; readonly missing: true } | { readonly ok: false; readonly missing: false; readonly reason: string };

/** What pacote assumes when the registry gives no publish time: before any key expiry in practice. */
const MISSING_TIME_CUTOFF = Date.parse('2015-01-01T00:00:00.000Z');

export function verifyRegistrySignatures(input: {
  readonly name: string;
  readonly version: string;
  /** The registry's `dist.integrity` of the version, which the signatures cover. */
  readonly integrity: string | undefined;
  readonly signatures: readonly RegistrySignature[] | undefined;
  readonly published: Date | undefined;
  readonly keys: readonly RegistryKey[];
}): SignatureVerdict {
  const { name, version, integrity, signatures, published, keys } = input;
  if (!signatures || signatures.length === 0) return { ok: false, missing: true };
  if (integrity === undefined) return { ok: false, missing: false, reason: 'the version is signed but the registry gives no integrity for it' };
  const message = Buffer.from(`${name}@${version}:${integrity}`);
  const publishedAt = published?.getTime() ?? MISSING_TIME_CUTOFF;
  for (const signature of signatures) {
    const keyid = typeof signature.keyid === 'string' ? signature.keyid : undefined;
    const sig = typeof signature.sig === 'string' ? signature.sig : undefined;
    if (keyid === undefined || sig === undefined) return { ok: false, missing: false, reason: 'a signature entry lacks its keyid or sig' };
    const key = keys.find((candidate) => candidate.keyid === keyid);
    if (!key) return { ok: false, missing: false, reason: `signed with key ${keyid}, which the registry does not publish` };
    if (key.expires && !(publishedAt < Date.parse(key.expires))) {
      return { ok: false, missing: false, reason: `signed with key ${keyid}, which expired ${key.expires}, before this version was published` };
    }
    let valid: boolean;
    try {
      valid = verify('sha256', message, createPublicKey({ key: Buffer.from(key.key, 'base64'), format: 'der', type: 'spki' }), Buffer.from(sig, 'base64'));
    } catch {
      valid = false; // a key or signature that does not parse verifies nothing
    }
    if (!valid) return { ok: false, missing: false, reason: `the signature by key ${keyid} does not match ${name}@${version}:${integrity}` };
  }
  return { ok: true };
}

/** Whether two integrity strings pin different bytes: some algorithm both name has different digests. */
export function integrityConflicts(a: string, b: string): boolean {
  const digests = (text: string): Map<string, Set<string>> => {
    const byAlgorithm = new Map<string, Set<string>>();
    for (const part of text.trim().split(/\s+/)) {
      const match = /^(sha\d+)-([^?]+)/.exec(part);
      if (match) byAlgorithm.set(match[1]!, (byAlgorithm.get(match[1]!) ?? new Set()).add(match[2]!));
    }
    return byAlgorithm;
  };
  const left = digests(a);
  for (const [algorithm, hashes] of digests(b)) {
    const other = left.get(algorithm);
    if (other && ![...hashes].some((hash) => other.has(hash))) return true;
  }
  return false;
}
