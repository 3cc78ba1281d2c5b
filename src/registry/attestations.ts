import { createHash, createPublicKey, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import type { TrustMaterial } from '@sigstore/verify';
import type { RegistryKey } from '../npm/manifest.js';
import { derUtf8, isProvenance, npmPurl, readStatement, SOURCE_REPOSITORY_OID, subjectMismatch } from '../npm/provenance.js';
import type { RegistryClient } from './client.js';
import { answeredEntries, type RegistryFacts } from './facts.js';
import type { DependencyTree } from '../tree/model.js';

/** What the attestations of one version came to. */
export type AttestationEntry =
  /** Every attestation verified; `sourceRepository` is the repository the provenance was built from, when it says. */
  | { readonly state: 'verified'; readonly sourceRepository: string | undefined }
  /** An attestation that does not verify, or that speaks of other bytes or another package. */
  | { readonly state: 'invalid'; readonly reason: string }
  /** Not judged: a fault, or no Sigstore trusted root to judge with. */
  | { readonly state: 'unverified'; readonly cause: string };

export interface AttestationFacts {
  readonly byLocation: ReadonlyMap<string, AttestationEntry>;
  /** Said once in the summary (a registry that serves no attestations). */
  readonly notes: readonly string[];
}

export interface AttestationOptions {
  readonly offline: boolean;
  /** A Sigstore trusted_root.json to verify with instead of the one Sigstore's TUF repository publishes. */
  readonly trustedRootPath: string | undefined;
  /** npm's TUF cache (`<cache>/_tuf`), which npm's own verification (`npm audit signatures`) fills. */
  readonly tufCache: string | undefined;
  /** Where verified verdicts are kept (beside npm's cache); none: every run verifies again. */
  readonly cacheDir?: string | undefined;
}

const require = createRequire(import.meta.url);

/**
 * Verifies the attestations of every version that has them (`dist.attestations`), as pacote's
 * `verifyAttestations` (behind `npm audit signatures`) does: the attestations are read from the registry npm uses
 * (`/-/npm/v1/attestations/name@version`), each statement must name this version's purl and tarball sha512, a
 * publish attestation's key must be one the registry publishes (and not expired when logged), and sigstore checks
 * every bundle against Sigstore's trusted root: the certificate chain, the transparency-log entry, the signature.
 */
export async function gatherAttestations(
  tree: DependencyTree,
  facts: RegistryFacts,
  client: RegistryClient,
  options: AttestationOptions,
): Promise<AttestationFacts> {
  const byKey = new Map<string, Promise<AttestationEntry | 'absent'>>();
  const wanted: [string, string, Promise<AttestationEntry | 'absent'>][] = [];
  const trust = new TrustSource(options);
  const verdicts = new VerdictCache(options.cacheDir, options.trustedRootPath ?? 'tuf');
  for (const [location, entry] of answeredEntries(facts)) {
    if (!entry.ok) continue;
    const { manifest, version } = entry.facts;
    const attestations = manifest.dist?.attestations;
    if (!attestations) continue;
    const name = tree.nodes.get(location)!.name;
    const registry = client.registryFor(name);
    const key = `${registry} ${name}@${version}`;
    let pending = byKey.get(key);
    if (!pending) {
      const url = typeof (attestations as { url?: unknown }).url === 'string' ? (attestations as { url: string }).url : undefined;
      const integrity = manifest.dist?.integrity;
      const cacheKey = `${key} ${integrity ?? ''}`;
      const cached = verdicts.get(cacheKey);
      pending = cached
        ? Promise.resolve(cached)
        : verifyVersion({ name, version, integrity, url, registry }, client, trust).then((verdict) => {
            if (verdict !== 'absent' && verdict.state === 'verified') verdicts.set(cacheKey, verdict);
            return verdict;
          });
      byKey.set(key, pending);
    }
    wanted.push([location, registry, pending]);
  }
  const byLocation = new Map<string, AttestationEntry>();
  const absent = new Map<string, number>();
  for (const [location, registry, pending] of wanted) {
    const entry = await pending;
    if (entry === 'absent') absent.set(registry, (absent.get(registry) ?? 0) + 1);
    else byLocation.set(location, entry);
  }
  const notes = [...absent].map(
    ([registry, count]) =>
      `provenance: ${registry} serves no attestations (/-/npm/v1/attestations), though the packuments of ${count} package${count === 1 ? '' : 's'} announce them; their provenance was not verified`,
  );
  return { byLocation, notes };
}

interface VersionToVerify {
  readonly name: string;
  readonly version: string;
  readonly integrity: string | undefined;
  readonly url: string | undefined;
  readonly registry: string;
}

async function verifyVersion(target: VersionToVerify, client: RegistryClient, trust: TrustSource): Promise<AttestationEntry | 'absent'> {
  const answer = await fetchAttestations(target, client);
  if (answer === 'absent' || typeof answer === 'string') return answer === 'absent' ? answer : { state: 'unverified', cause: answer };
  const purl = npmPurl(target.name, target.version);
  let sourceRepository: string | undefined;
  for (const { predicateType, bundle } of answer) {
    const statement = readStatement(bundle);
    if (typeof statement === 'string') return { state: 'invalid', reason: statement };
    const mismatch = subjectMismatch(statement, purl, target.integrity);
    if (mismatch) return { state: 'invalid', reason: `the ${kindOf(predicateType)} does not match: ${mismatch}` };
    let keys: readonly RegistryKey[] = [];
    if (statement.keyid) {
      const known = await client.registryKeys(target.registry);
      if (known.state === 'unknown') return { state: 'unverified', cause: `the ${kindOf(predicateType)} is signed with a registry key, and ${known.cause}` };
      // A registry (a mirror) that publishes no keys: its publish attestations cannot be checked, as its signatures
      // cannot (said once in the summary by registry-signature); the provenance still is.
      if (known.state === 'none') continue;
      keys = known.keys;
      const key = keys.find((candidate) => candidate.keyid === statement.keyid);
      if (!key) return { state: 'invalid', reason: `the ${kindOf(predicateType)} is signed with key ${statement.keyid}, which the registry does not publish` };
      const logged = loggedAt(bundle);
      if (key.expires && !(logged !== undefined && logged < Date.parse(key.expires)))
        return { state: 'invalid', reason: `the ${kindOf(predicateType)} is signed with key ${statement.keyid}, which expired ${key.expires}` };
    }
    const material = await trust.material(keys);
    if (typeof material === 'string') return { state: 'unverified', cause: material };
    let identityRepository: string | undefined;
    try {
      const { bundleFromJSON } = require('@sigstore/bundle') as typeof import('@sigstore/bundle');
      const { Verifier, toSignedEntity } = require('@sigstore/verify') as typeof import('@sigstore/verify');
      const signer = new Verifier(material).verify(toSignedEntity(bundleFromJSON(bundle)));
      const extension = signer.identity?.oids?.find((pair) => pair.oid?.id.join('.') === SOURCE_REPOSITORY_OID);
      identityRepository = extension ? derUtf8(extension.value) : undefined;
    } catch (error) {
      return { state: 'invalid', reason: `the ${kindOf(predicateType)} does not verify: ${(error as Error).message}` };
    }
    // The certificate's repository is the CI identity that signed; the predicate is what the build wrote.
    if (isProvenance(predicateType)) sourceRepository = identityRepository ?? statement.predicateRepository;
  }
  return { state: 'verified', sourceRepository };
}

const kindOf = (predicateType: string): string => (isProvenance(predicateType) ? 'provenance attestation' : 'publish attestation');

/** When the transparency log recorded the bundle (pacote judges a publish key's expiry by it). */
function loggedAt(bundle: unknown): number | undefined {
  const entries = (bundle as { verificationMaterial?: { tlogEntries?: { integratedTime?: unknown }[] } })?.verificationMaterial?.tlogEntries;
  const time = Number(entries?.[0]?.integratedTime);
  return Number.isFinite(time) && time > 0 ? time * 1000 : undefined;
}

/** The attestations the registry serves for a version; 'absent' on 404; a sentence on a fault. */
async function fetchAttestations(target: VersionToVerify, client: RegistryClient): Promise<{ predicateType: string; bundle: unknown }[] | 'absent' | string> {
  // Always from the registry npm uses, whatever host the packument names: the URL's path on that registry, as pacote
  // resolves it; without a URL, the endpoint under the registry's own path.
  const registry = target.registry.replace(/\/?$/, '/');
  const url =
    target.url !== undefined && URL.canParse(target.url)
      ? new URL(new URL(target.url).pathname, registry).href
      : new URL(`-/npm/v1/attestations/${target.name.replace('/', '%2f')}@${target.version}`, registry).href;
  let answer: unknown;
  try {
    answer = await client.limited(() =>
      client.json(url, {
        ...client.fetchOptions,
        registry: target.registry,
        // A published version's attestations never change: npm's cache answers a warm run.
        preferOffline: true,
        headers: { accept: 'application/json' },
      }),
    );
  } catch (error) {
    const { code, statusCode } = error as NodeJS.ErrnoException & { statusCode?: number };
    if (code === 'E404' || statusCode === 404) return 'absent';
    if (code === 'ENOTCACHED') return 'its attestations are not in npm’s cache, and --offline forbids asking the registry';
    return `its attestations could not be read: ${statusCode ? `HTTP ${statusCode}` : (code ?? (error as Error).message)}`;
  }
  const list = (answer as { attestations?: unknown })?.attestations;
  if (!Array.isArray(list) || list.length === 0) return 'the registry answered with no attestation list';
  return list.map((item: { predicateType?: unknown; bundle?: unknown }) => ({
    predicateType: typeof item?.predicateType === 'string' ? item.predicateType : '',
    bundle: item?.bundle,
  }));
}

/**
 * Sigstore's trusted root, read once a run: a trusted_root.json the user names (behind a firewall, or a private
 * Sigstore), else Sigstore's TUF repository through npm's TUF cache, as npm reads it; --offline reads only what
 * that cache holds (written by a TUF client after it verified it), never the network.
 */
class TrustSource {
  private root: Promise<TrustedRoot | string> | undefined;

  constructor(private readonly options: AttestationOptions) {}

  async material(keys: readonly RegistryKey[]): Promise<TrustMaterial | string> {
    this.root ??= this.load();
    const root = await this.root;
    if (typeof root === 'string') return root;
    const { toTrustMaterial } = require('@sigstore/verify') as typeof import('@sigstore/verify');
    return toTrustMaterial(root, (hint) => {
      const key = keys.find((candidate) => candidate.keyid === hint);
      if (!key) throw new Error(`key not found: ${hint}`);
      return { publicKey: createPublicKey({ key: Buffer.from(key.key, 'base64'), format: 'der', type: 'spki' }), validFor: () => true };
    });
  }

  private async load(): Promise<TrustedRoot | string> {
    const { TrustedRoot } = require('@sigstore/protobuf-specs') as typeof import('@sigstore/protobuf-specs');
    const { trustedRootPath, tufCache, offline } = this.options;
    if (trustedRootPath !== undefined) {
      try {
        return TrustedRoot.fromJSON(JSON.parse(readFileSync(trustedRootPath, 'utf8')));
      } catch (error) {
        return `the Sigstore trusted root ${trustedRootPath} (DEPWARDEN_SIGSTORE_TRUSTED_ROOT) could not be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
      }
    }
    const { getTrustedRoot, DEFAULT_MIRROR_URL } = require('@sigstore/tuf') as typeof import('@sigstore/tuf');
    let fault = '--offline forbids fetching one';
    if (!offline) {
      try {
        return await getTrustedRoot({ ...(tufCache ? { cachePath: tufCache } : {}), retry: 1, timeout: 10_000 });
      } catch (error) {
        fault = `Sigstore's TUF repository did not give one (${(error as Error).message})`;
      }
    }
    // What the cache holds, written by a TUF client after it verified it: offline, or when the repository is unreachable.
    const cached = tufCache && join(tufCache, encodeURIComponent(new URL(DEFAULT_MIRROR_URL).host), 'targets', 'trusted_root.json');
    try {
      if (!cached || !existsSync(join(cached, '..', '..', 'timestamp.json'))) throw new Error('not cached');
      return TrustedRoot.fromJSON(JSON.parse(readFileSync(cached, 'utf8')));
    } catch {
      return `no Sigstore trusted root in npm's TUF cache, and ${fault} (run \`npm audit signatures\` once where Sigstore is reachable, or set DEPWARDEN_SIGSTORE_TRUSTED_ROOT)`;
    }
  }
}

/** Verified verdicts kept per shard up to this many (256 shards): a warm check never loads sigstore for them. */
const VERDICTS_PER_SHARD = 196;

/**
 * Verified attestations, kept beside npm's cache as the facts cache keeps facts (one small file per key, named by
 * its hash, shards trimmed oldest first): a published version's attestations and its tarball's integrity never
 * change, so a version verified once against a trust source stays verified, and a warm check neither loads sigstore
 * (about a second on a busy machine) nor refreshes the trusted root for it. Invalid and unverified verdicts are
 * never kept: they are judged again each run (a stale trusted root must not pin a false alarm).
 */
class VerdictCache {
  constructor(
    private readonly dir: string | undefined,
    private readonly trustSource: string,
  ) {}

  get(key: string): Extract<AttestationEntry, { state: 'verified' }> | undefined {
    if (!this.dir) return undefined;
    try {
      const record = JSON.parse(readFileSync(this.pathOf(key), 'utf8')) as { key?: unknown; sourceRepository?: unknown };
      if (record.key !== this.fullKey(key)) return undefined;
      return { state: 'verified', sourceRepository: typeof record.sourceRepository === 'string' ? record.sourceRepository : undefined };
    } catch {
      return undefined;
    }
  }

  set(key: string, verdict: Extract<AttestationEntry, { state: 'verified' }>): void {
    if (!this.dir) return;
    const path = this.pathOf(key);
    try {
      mkdirSync(dirname(path), { recursive: true });
      const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      writeFileSync(temporary, JSON.stringify({ key: this.fullKey(key), sourceRepository: verdict.sourceRepository }));
      renameSync(temporary, path);
      const names = readdirSync(dirname(path));
      if (names.length <= VERDICTS_PER_SHARD) return;
      const aged = names.map((name) => ({
        path: join(dirname(path), name),
        time: statSync(join(dirname(path), name), { throwIfNoEntry: false })?.mtimeMs ?? 0,
      }));
      aged.sort((a, b) => a.time - b.time);
      for (const old of aged.slice(0, aged.length - VERDICTS_PER_SHARD)) rmSync(old.path, { force: true });
    } catch {
      // A read-only cache costs time, not correctness.
    }
  }

  private fullKey(key: string): string {
    return `${this.trustSource} ${key}`;
  }

  private pathOf(key: string): string {
    const hash = createHash('sha256').update(this.fullKey(key)).digest('hex');
    return join(this.dir!, hash.slice(0, 2), `${hash.slice(2)}.json`);
  }
}
