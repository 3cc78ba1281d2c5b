import { format } from 'node:url';
import { hash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { NpmSettings } from './npm-config.js';
import type { Packument, RegistryKey } from '../npm/manifest.js';
import { registryFor } from '../npm/registries.js';
import { Queue } from './queue.js';
import { CacheIndexBuckets } from './cache-index.js';
import { cachedResponse, type CachedResponse } from './npm-cache.js';
import { fetchBoundedJson, MAX_JSON_BYTES, MAX_TARBALL_BYTES, MAX_UNPACKED_BYTES } from './bounded-fetch.js';

export type { Packument, VersionManifest } from '../npm/manifest.js';

/** What the registry says of one package name, or why it could not say. */
export type PackumentResult = { readonly ok: true; readonly packument: Packument } | { readonly ok: false; readonly notFound: boolean; readonly cause: string };

/** What a registry says of its signing keys (`/-/npm/v1/keys`). */
export type KeysResult =
  | { readonly state: 'keys'; readonly keys: readonly RegistryKey[] }
  /** The registry publishes no keys (404, or no key in the answer): its packages cannot be checked, and that is no fault of theirs. */
  | { readonly state: 'none' }
  /** Not known: a fault (refused, 5xx, malformed) or, offline, not in npm's cache. */
  | { readonly state: 'unknown'; readonly cause: string; readonly offline: boolean };

export interface ClientOptions {
  readonly npm: NpmSettings;
  /** Answer from npm's cache only; a miss is a fault, never a request. */
  readonly offline: boolean;
  /** Milliseconds before a request is abandoned: its total deadline, retries and the whole body included. */
  readonly timeout: number;
  readonly concurrency: number;
  readonly retries: number;
  /** The largest JSON body read from a registry (default MAX_JSON_BYTES); larger is a fault. */
  readonly maxBytes?: number;
  /** The largest tarball downloaded, and the most unpacked from it (default MAX_TARBALL_BYTES, MAX_UNPACKED_BYTES). */
  readonly maxTarball?: { readonly bytes: number; readonly unpacked: number };
}

export const DEFAULT_CLIENT = { timeout: 30_000, concurrency: 16, retries: 2 } as const;

/**
 * Every packument request depwarden makes: npm-registry-fetch with the user's npm configuration (registry,
 * scoped registries, auth, proxy, CA, npm's own cache), a concurrency limit, retries with back-off and a
 * timeout. Never throws: a fault is a value naming its cause.
 */
export class RegistryClient {
  private active = 0;
  private readonly waiting = new Queue<() => void>();
  private readonly memo = new Map<string, Promise<PackumentResult>>();

  constructor(private readonly options: ClientOptions) {}

  /**
   * The packument of `name`. When the caller needs only `version` (a locked one), npm's cache is used however
   * old it is, as long as it lists that version: a published version's manifest and time never change. Otherwise
   * (a name to vet, a version the cache lacks) the registry is asked, with npm's usual revalidation.
   */
  packument(name: string, version?: string): Promise<PackumentResult> {
    const key = `${name}@${version ?? ''}`;
    let pending = this.memo.get(key);
    if (!pending) {
      const miss = this.certainMiss(name);
      pending = miss
        ? Promise.resolve(miss)
        : this.limited(async () => {
            if (version !== undefined && !this.options.offline) {
              const cached = await this.fetchPackument(name, true);
              if (cached.ok && cached.packument.versions?.[version]) return cached;
              // With nothing in npm's cache the registry was asked already, retries and all: asking again would
              // double the wait on a registry that fails or hangs.
              if (!cached.ok && this.cachedPackument(name).kind === 'miss') return cached;
            }
            return this.fetchPackument(name, false);
          });
      this.memo.set(key, pending);
    }
    return pending;
  }

  /**
   * The answer to a packument request known without making it: offline, a name npm's cache does not hold is
   * certainly not cached (one stat, instead of npm-registry-fetch's request machinery: about a millisecond a
   * name, seconds on a large tree or a long list to vet). Undefined when a request must be made.
   */
  certainMiss(name: string): Extract<PackumentResult, { ok: false }> | undefined {
    return this.options.offline && !this.inNpmCache(name) ? NOT_CACHED : undefined;
  }

  /** Runs `task` when fewer than `concurrency` requests are under way. */
  async limited<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.options.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  /**
   * Whether npm's cache may hold a response for this packument's URL. Checks that the cacache index bucket of
   * make-fetch-happen's cache key exists (one stat): a missing bucket is a certain miss. Should cacache ever lay
   * its index out otherwise, cached entries would count as misses: reported as not checked, never as checked.
   */
  private inNpmCache(name: string): boolean {
    const index = this.npmCacheIndex();
    if (index === undefined) return false;
    return this.urlInNpmCache(index, this.packumentUrl(name));
  }

  /** Whether cacache's index has an entry for this URL, as make-fetch-happen keys it (one stat, see CacheIndexBuckets). */
  private urlInNpmCache(index: CacheIndexBuckets, url: string): boolean {
    // crypto.hash: the one-shot form costs a fifth of createHash's on keys this short (thousands of names to vet).
    return index.has(hash('sha256', `make-fetch-happen:request-cache:${url}`, 'hex'));
  }

  /** The packument URL as make-fetch-happen writes it into its cache key. */
  private packumentUrl(name: string): string {
    const { base, canonical } = this.baseOf(this.registryFor(name));
    const escaped = name.includes('/') ? name.replace('/', '%2f') : name;
    // A canonical registry URL and a plain name (nearly every name) come out of the URL parser unchanged, so
    // the parse is skipped for them.
    const plain = canonical && PLAIN_NAME.test(escaped) && !DOT_SEGMENT.test(escaped);
    return plain ? base + escaped : format(new URL(base + escaped), { auth: false, fragment: false, search: true, unicode: false });
  }

  /**
   * The full packument response npm's cache holds for `name`, read without npm-registry-fetch (see
   * npm-cache.ts); `unsure` when only npm-registry-fetch can tell. Read once a run.
   */
  cachedPackument(name: string): CachedResponse {
    let answer = this.cachedResponses.get(name);
    if (answer === undefined) {
      const cache = this.options.npm.flat.cache;
      answer = typeof cache === 'string' && cache ? cachedResponse(cache, this.packumentUrl(name)) : { kind: 'miss' };
      this.cachedResponses.set(name, answer);
    }
    return answer;
  }

  private readonly cachedResponses = new Map<string, CachedResponse>();

  /**
   * A registry URL with one trailing slash, and whether the URL parser leaves it as it is (then a plain name after
   * it needs no parse either). The few registries of a run are each judged once: one look-up a name to vet.
   */
  private baseOf(registry: string): { base: string; canonical: boolean } {
    let known = this.bases.get(registry);
    if (known === undefined) {
      const base = registry.trim().replace(/\/?$/, '/');
      const canonical = URL.canParse(base) && format(new URL(`${base}x`), { auth: false, fragment: false, search: true, unicode: false }) === `${base}x`;
      known = { base, canonical };
      this.bases.set(registry, known);
    }
    return known;
  }

  private readonly bases = new Map<string, { base: string; canonical: boolean }>();

  /** cacache's index folder in npm's cache, when there is one (an empty cache has none: every look-up misses). */
  private npmCacheIndex(): CacheIndexBuckets | undefined {
    if (this.cacheIndex === null) {
      const cache = this.options.npm.flat.cache;
      const index = typeof cache === 'string' ? join(cache, 'index-v5') : undefined;
      this.cacheIndex = index !== undefined && existsSync(index) ? new CacheIndexBuckets(index) : undefined;
    }
    return this.cacheIndex;
  }

  private cacheIndex: CacheIndexBuckets | undefined | null = null;

  /** Whether npm's cache holds the content of this integrity (a tarball): one stat of cacache's content path. */
  tarballInNpmCache(integrity: string): boolean {
    const cache = this.options.npm.flat.cache;
    const match = /^(sha(?:1|256|384|512))-([A-Za-z0-9+/=]+)$/.exec(integrity.trim().split(/\s+/)[0] ?? '');
    if (typeof cache !== 'string' || !match) return false;
    const hex = Buffer.from(match[2]!, 'base64').toString('hex');
    return existsSync(join(cache, 'content-v2', match[1]!, hex.slice(0, 2), hex.slice(2, 4), hex.slice(4)));
  }

  /**
   * The keys a registry signs versions with, asked once per registry. npm's cache answers when it holds them
   * (offline too); keys are published for years, and an expired one still lists its expiry.
   */
  registryKeys(registry: string): Promise<KeysResult> {
    let pending = this.keysMemo.get(registry);
    if (!pending) {
      pending = this.limited(() => this.fetchKeys(registry));
      this.keysMemo.set(registry, pending);
    }
    return pending;
  }

  private readonly keysMemo = new Map<string, Promise<KeysResult>>();

  private async fetchKeys(registry: string): Promise<KeysResult> {
    const offline = this.options.offline;
    if (offline) {
      // A certain miss costs one stat, not the load of npm-registry-fetch (a tenth of a warm offline check).
      const index = this.npmCacheIndex();
      const url = format(new URL('-/npm/v1/keys', registry.trim().replace(/\/?$/, '/')), { auth: false, fragment: false, search: true, unicode: false });
      if (index === undefined || !this.urlInNpmCache(index, url)) return { state: 'unknown', offline: true, cause: 'its signing keys are not in npm’s cache' };
    }
    try {
      const answer = (await this.json('/-/npm/v1/keys', {
        ...this.fetchOptions,
        registry,
        preferOnline: false,
        headers: { accept: 'application/json' },
      })) as {
        keys?: unknown;
      };
      if (typeof answer !== 'object' || answer === null || (answer.keys !== undefined && !Array.isArray(answer.keys))) {
        return { state: 'unknown', offline: false, cause: 'the registry answered /-/npm/v1/keys with something that is not a key list' };
      }
      const keys = ((answer.keys as unknown[] | undefined) ?? []).filter(
        (key): key is RegistryKey =>
          typeof key === 'object' && key !== null && typeof (key as RegistryKey).keyid === 'string' && typeof (key as RegistryKey).key === 'string',
      );
      return keys.length ? { state: 'keys', keys } : { state: 'none' };
    } catch (error) {
      const fault = describeFault(error as NodeJS.ErrnoException & { statusCode?: number });
      if (!fault.ok && fault.notFound) return { state: 'none' };
      return {
        state: 'unknown',
        offline: offline && fault === NOT_CACHED,
        cause: `its signing keys could not be read: ${fault.ok ? 'unknown' : fault.cause.replace(/packument/g, 'answer')}`,
      };
    }
  }

  /**
   * A JSON answer through npm-registry-fetch with `options`, within the run's total deadline per request and its body
   * size cap (see bounded-fetch.ts): every JSON request to a registry or to OSV goes through here. Throws its faults.
   */
  async json(url: string, options: Record<string, unknown>): Promise<unknown> {
    // Loaded on first use: its module graph costs more than a whole offline check of a small tree.
    const { default: npmFetch } = await import('npm-registry-fetch');
    return fetchBoundedJson(npmFetch as never, url, options, { timeout: this.options.timeout, maxBytes: this.options.maxBytes ?? MAX_JSON_BYTES });
  }

  /**
   * Options for one pacote call: fetchOptions with a total deadline for it (pacote hands `signal` to
   * npm-registry-fetch for the packument and the tarball), so a registry that sends a byte now and then cannot hold it.
   */
  /** The bounds of one tarball download: the request deadline, and the size caps. */
  get tarballBounds(): { timeout: number; maxBytes: number; maxUnpacked: number } {
    return {
      timeout: this.options.timeout,
      maxBytes: this.options.maxTarball?.bytes ?? MAX_TARBALL_BYTES,
      maxUnpacked: this.options.maxTarball?.unpacked ?? MAX_UNPACKED_BYTES,
    };
  }

  pacoteOptions(extra: Record<string, unknown>): Record<string, unknown> {
    return { ...this.fetchOptions, ...extra, signal: AbortSignal.timeout(this.options.timeout) };
  }

  /** The registry npm uses for `name`: its scope's, else the default. */
  registryFor(name: string): string {
    return registryFor(name, this.options.npm);
  }

  /** Options for npm-registry-fetch and pacote: npm's flat config plus depwarden's limits. Built once. */
  get fetchOptions(): Record<string, unknown> {
    this.builtOptions ??= this.buildOptions();
    return this.builtOptions;
  }

  private builtOptions: Record<string, unknown> | undefined;

  private buildOptions(): Record<string, unknown> {
    return {
      ...registryFetchOptions(this.options),
      // Full packuments: per-version publish times and scripts are not in the abbreviated form.
      fullMetadata: true,
    };
  }

  private async fetchPackument(name: string, preferCache: boolean): Promise<PackumentResult> {
    // Offline, a miss is certain when npm's cache index has no entry: say so without npm-registry-fetch's
    // whole request machinery, which costs about a millisecond a miss (seconds on a large tree).
    if (this.options.offline && !this.inNpmCache(name)) return NOT_CACHED;
    // Offline, or when any cached copy will do: npm's cache read directly, as make-fetch-happen would
    // replay it, without loading npm-registry-fetch.
    if (this.options.offline || preferCache) {
      const cached = this.cachedPackument(name);
      if (cached.kind === 'miss' && this.options.offline) return NOT_CACHED;
      const packument = cached.kind === 'hit' ? parsePackument(cached.read()) : undefined;
      if (packument !== undefined) return { ok: true, packument };
    }
    try {
      const packument = (await this.json(`/${name.replace('/', '%2f')}`, {
        ...this.fetchOptions,
        preferOffline: preferCache,
        spec: name,
        headers: { accept: 'application/json' },
      })) as unknown;
      if (typeof packument !== 'object' || packument === null || Array.isArray(packument)) {
        return { ok: false, notFound: false, cause: 'the registry answered with something that is not a packument' };
      }
      return { ok: true, packument: packument as Packument };
    } catch (error) {
      return describeFault(error as NodeJS.ErrnoException & { statusCode?: number });
    }
  }
}

/**
 * npm's flat config with depwarden's limits, as npm-registry-fetch reads them (arborist and pacote hand their options
 * on): `--timeout` and depwarden's retries, in place of npm's five-minute fetch timeout and 10 s to 60 s back-off.
 */
export function registryFetchOptions({
  npm,
  offline,
  timeout,
  retries,
}: Pick<ClientOptions, 'npm' | 'offline' | 'timeout' | 'retries'>): Record<string, unknown> {
  return {
    ...npm.flat,
    registry: npm.registry,
    offline,
    timeout,
    // npm's flat config carries its own `retry` (10 s to 60 s back-off): too slow for a check of thousands.
    retry: { retries, factor: 2, minTimeout: 200, maxTimeout: 2_000 },
    fetchRetries: retries,
    fetchRetryFactor: 2,
    fetchRetryMintimeout: 200,
    fetchRetryMaxtimeout: 2_000,
  };
}

/** A cached body that is a JSON object; undefined otherwise (npm-registry-fetch then reads it and says why). */
function parsePackument(body: Buffer | undefined): Packument | undefined {
  if (body === undefined) return undefined;
  try {
    const packument = JSON.parse(body.toString('utf8')) as unknown;
    return typeof packument === 'object' && packument !== null && !Array.isArray(packument) ? (packument as Packument) : undefined;
  } catch {
    return undefined;
  }
}

/** A path segment that the URL parser leaves as it is (no dot segment, no character it would escape). */
const PLAIN_NAME = /^[A-Za-z0-9._~%@-]+$/;
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

const NOT_CACHED: Extract<PackumentResult, { ok: false }> = {
  ok: false,
  notFound: false,
  cause: 'not in npm’s cache, and --offline forbids asking the registry',
};

function describeFault(error: NodeJS.ErrnoException & { statusCode?: number; type?: string }): PackumentResult {
  const code = error.code ?? '';
  if (code === 'E404' || error.statusCode === 404) return { ok: false, notFound: true, cause: 'the registry has no package of this name (404)' };
  if (code === 'ENOTCACHED') return NOT_CACHED;
  if (code === 'ECONNREFUSED') return { ok: false, notFound: false, cause: 'the registry refused the connection' };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { ok: false, notFound: false, cause: 'the registry host could not be resolved' };
  if (code === 'ETOOLARGE') return { ok: false, notFound: false, cause: `the registry sent too much: ${error.message}` };
  if (/TIMEOUT/i.test(code) || error.type === 'request-timeout' || /timeout/i.test(error.message)) {
    return { ok: false, notFound: false, cause: 'the registry did not answer in time' };
  }
  if (error.statusCode) return { ok: false, notFound: false, cause: `the registry answered HTTP ${error.statusCode}` };
  if (code === 'EJSONPARSE' || error.name === 'SyntaxError' || /JSON/i.test(error.message)) {
    return { ok: false, notFound: false, cause: 'the registry sent a packument that is not valid JSON' };
  }
  return { ok: false, notFound: false, cause: `the request failed (${code || error.message})` };
}
