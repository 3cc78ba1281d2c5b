import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bucketPath, cachedResponse, requestCacheKey } from '../../src/registry/npm-cache.js';

// npm's own cache library writes the entries, with the metadata make-fetch-happen gives a packument response.
const require = createRequire(import.meta.url);
const cacache = require('cacache') as {
  put(cache: string, key: string, data: Buffer | string, options: { metadata: object; algorithms?: string[] }): Promise<{ toString(): string }>;
  index: { insert(cache: string, key: string, integrity: string | null, options: { metadata: object; size?: number }): Promise<unknown> };
};

const URL_ = 'https://registry.example.test/left';
const FULL = {
  time: 1,
  url: URL_,
  reqHeaders: { accept: 'application/json' },
  resHeaders: { 'content-type': 'application/json' },
  options: { compress: true },
};
const CORGI = { ...FULL, reqHeaders: { accept: 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*' } };

describe('cachedResponse (npm cache read without npm-registry-fetch)', () => {
  let cache: string;
  beforeEach(() => {
    cache = join(mkdtempSync(join(tmpdir(), 'depwarden-npm-cache-')), '_cacache');
  });
  afterEach(() => rmSync(dirname(cache), { recursive: true, force: true }));

  const body = (text: string) => Buffer.from(text);
  const readBody = (url = URL_) => {
    const answer = cachedResponse(cache, url);
    return answer.kind === 'hit' ? answer.read()?.toString() : answer.kind;
  };

  it('finds the full packument cacache holds for the URL, and says miss for a URL it does not hold', async () => {
    await cacache.put(cache, requestCacheKey(URL_), body('{"name":"left"}'), { metadata: FULL, algorithms: ['sha512'] });
    expect(readBody()).toBe('{"name":"left"}');
    expect(readBody('https://registry.example.test/right')).toBe('miss');
    expect(cachedResponse(join(cache, 'none'), URL_)).toEqual({ kind: 'miss' });
  });

  it("passes over npm's abbreviated document to the full one stored before it, as make-fetch-happen matches requests", async () => {
    await cacache.put(cache, requestCacheKey(URL_), body('{"full":true}'), { metadata: FULL });
    await cacache.put(cache, requestCacheKey(URL_), body('{"corgi":true}'), { metadata: CORGI });
    expect(readBody()).toBe('{"full":true}');
  });

  it('takes the newest entry of the same request', async () => {
    await cacache.put(cache, requestCacheKey(URL_), body('{"v":1}'), { metadata: FULL });
    await cacache.put(cache, requestCacheKey(URL_), body('{"v":2}'), { metadata: FULL });
    expect(readBody()).toBe('{"v":2}');
  });

  it('is a miss when only the abbreviated document is cached', async () => {
    await cacache.put(cache, requestCacheKey(URL_), body('{"corgi":true}'), { metadata: CORGI });
    expect(readBody()).toBe('miss');
  });

  it('leaves to npm-registry-fetch what it cannot be sure of: other request headers, a cached error status', async () => {
    await cacache.put(cache, requestCacheKey(URL_), body('{}'), { metadata: { ...FULL, reqHeaders: { accept: 'application/json', 'accept-language': 'fr' } } });
    expect(readBody()).toBe('unsure');
    await cacache.index.insert(cache, requestCacheKey(URL_), null, { metadata: { ...FULL, status: 404 } });
    expect(readBody()).toBe('unsure');
  });

  it('skips a torn or altered index line, and refuses content that does not match its integrity', async () => {
    const integrity = String(await cacache.put(cache, requestCacheKey(URL_), body('{"v":1}'), { metadata: FULL }));
    const bucket = bucketPath(join(cache, 'index-v5'), requestCacheKey(URL_));
    appendFileSync(
      bucket,
      `\n${'0'.repeat(40)}\t${JSON.stringify({ key: requestCacheKey(URL_), integrity, size: 7, metadata: { ...FULL, reqHeaders: { weird: 'x' } } })}\n{"torn`,
    );
    expect(readBody()).toBe('{"v":1}');
    const hex = Buffer.from(integrity.slice('sha512-'.length), 'base64').toString('hex');
    const content = join(cache, 'content-v2', 'sha512', hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
    writeFileSync(content, '{"v":9}');
    expect(readBody()).toBeUndefined();
  });

  it('names buckets as cacache does (sha256 of the key, two levels of folders)', () => {
    const hash = createHash('sha256').update('k').digest('hex');
    expect(bucketPath('/i', 'k')).toBe(`/i/${hash.slice(0, 2)}/${hash.slice(2, 4)}/${hash.slice(4)}`);
  });
});
