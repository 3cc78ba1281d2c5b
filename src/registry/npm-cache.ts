import { createHash, hash as digestOf } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Reads a packument response straight out of npm's cache (cacache, as make-fetch-happen writes it), without
 * loading npm-registry-fetch: its module graph (make-fetch-happen, cacache with glob, minipass-fetch, the proxy
 * agents) costs more to load than a `vet` of one name takes otherwise. cacache's own reader would bring most of
 * that graph too, so the two file formats are read here by hand.
 *
 * Only answers it is sure of: a response make-fetch-happen would replay for depwarden's request (`accept:
 * application/json`, compressed transfer, status 200), whose content is present and matches its integrity.
 * Anything else (other request headers, a cached error status, a missing or altered content file, an index
 * layout cacache may use one day) is `unsure`, and the caller asks npm-registry-fetch as before.
 */
export type CachedResponse =
  { readonly kind: 'hit'; readonly integrity: string; read(): Buffer | undefined } | { readonly kind: 'miss' } | { readonly kind: 'unsure' };

/** The accept header depwarden's packument requests send (full packuments). */
export const FULL_PACKUMENT_ACCEPT = 'application/json';
/** npm's own abbreviated-packument request (npm install): a different response under the same key. */
const CORGI_ACCEPT = 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*';

/** make-fetch-happen's cache key of a GET of `url`. */
export function requestCacheKey(url: string): string {
  return `make-fetch-happen:request-cache:${url}`;
}

/** cacache's index bucket of `key` under its `index-v5` folder. */
export function bucketPath(indexDir: string, key: string): string {
  const hash = digestOf('sha256', key, 'hex');
  return join(indexDir, hash.slice(0, 2), hash.slice(2, 4), hash.slice(4));
}

interface IndexEntry {
  key?: unknown;
  integrity?: unknown;
  size?: unknown;
  metadata?: { reqHeaders?: Record<string, unknown>; resHeaders?: Record<string, unknown>; options?: { compress?: unknown }; status?: unknown };
}

/**
 * The response npm's cache (`cacheDir`, npm's `_cacache`) holds for a GET of `url` with `accept`, as
 * make-fetch-happen picks it: the newest valid entry of the key whose request it would match.
 */
export function cachedResponse(cacheDir: string, url: string, accept = FULL_PACKUMENT_ACCEPT): CachedResponse {
  const key = requestCacheKey(url);
  let text: string;
  try {
    text = readFileSync(bucketPath(join(cacheDir, 'index-v5'), key), 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? { kind: 'miss' } : { kind: 'unsure' };
  }
  const lines = text.split('\n');
  for (let index = lines.length - 1; index >= 0; index--) {
    const entry = parseIndexLine(lines[index]!);
    if (entry === undefined || entry.key !== key) continue;
    const metadata = entry.metadata;
    // make-fetch-happen's `validateEntry`: such entries are dropped, as if never written.
    if (metadata?.resHeaders?.['content-encoding'] === null) continue;
    if (entry.integrity === null && !metadata?.status) continue;
    const match = matchesRequest(entry, accept);
    if (match === 'no') continue;
    if (match === 'unsure') return { kind: 'unsure' };
    const content = contentPath(cacheDir, entry.integrity);
    if (content === undefined || typeof entry.size !== 'number') return { kind: 'unsure' };
    const integrity = entry.integrity as string;
    const size = entry.size;
    return {
      kind: 'hit',
      integrity,
      read: () => {
        try {
          const body = readFileSync(content.path);
          const digest = createHash(content.algorithm).update(body).digest('base64');
          return body.length === size && digest === content.digest ? body : undefined;
        } catch {
          return undefined;
        }
      },
    };
  }
  return { kind: 'miss' };
}

/** One line of a cacache index bucket (`<sha1 of json>\t<json>`); undefined when torn or altered, as cacache skips it. */
function parseIndexLine(line: string): IndexEntry | undefined {
  const tab = line.indexOf('\t');
  if (tab < 0) return undefined;
  const json = line.slice(tab + 1);
  if (digestOf('sha1', json, 'hex') !== line.slice(0, tab)) return undefined;
  try {
    const entry = JSON.parse(json) as unknown;
    return typeof entry === 'object' && entry !== null ? (entry as IndexEntry) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether make-fetch-happen's `CachePolicy.satisfies` would serve this entry for a request with only `accept`
 * set: 'yes' for an entry stored by the same request, 'no' for npm's abbreviated request, 'unsure' otherwise.
 */
function matchesRequest(entry: IndexEntry, accept: string): 'yes' | 'no' | 'unsure' {
  const metadata = entry.metadata;
  const headers = metadata?.reqHeaders;
  if (!metadata || !headers || typeof headers !== 'object') return 'unsure';
  const names = Object.keys(headers).filter((name) => name !== 'cache-control');
  if (names.length !== 1 || names[0] !== 'accept') return 'unsure';
  if (headers.accept !== accept) return headers.accept === CORGI_ACCEPT ? 'no' : 'unsure';
  if (metadata.options?.compress !== true || metadata.status !== undefined) return 'unsure';
  return 'yes';
}

/** cacache's content path of a single-hash integrity, and the digest to check the content against. */
function contentPath(cacheDir: string, integrity: unknown): { path: string; algorithm: string; digest: string } | undefined {
  if (typeof integrity !== 'string') return undefined;
  const match = /^(sha512|sha384|sha256|sha1)-([A-Za-z0-9+/]+={0,2})$/.exec(integrity.trim());
  if (!match) return undefined;
  const [, algorithm, digest] = match as unknown as [string, string, string];
  const hex = Buffer.from(digest, 'base64').toString('hex');
  return { path: join(cacheDir, 'content-v2', algorithm, hex.slice(0, 2), hex.slice(2, 4), hex.slice(4)), algorithm, digest };
}
