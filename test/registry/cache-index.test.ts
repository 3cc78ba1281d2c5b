import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CacheIndexBuckets, STATS_BEFORE_LISTING } from '../../src/registry/cache-index.js';
import { tempDir } from '../support/temp.js';

const hashOf = (key: string): string => createHash('sha256').update(key).digest('hex');

/** A cacache-shaped index holding buckets for these keys. */
function indexWith(keys: readonly string[]): string {
  const index = join(tempDir('cache-index'), 'index-v5');
  for (const key of keys) {
    const hash = hashOf(key);
    mkdirSync(join(index, hash.slice(0, 2), hash.slice(2, 4)), { recursive: true });
    writeFileSync(join(index, hash.slice(0, 2), hash.slice(2, 4), hash.slice(4)), 'bucket\n');
  }
  return index;
}

describe('CacheIndexBuckets', () => {
  it('answers as a stat of each bucket would, before and after it turns to listing folders', () => {
    const held = Array.from({ length: 300 }, (_, index) => `held-${index}`);
    const buckets = new CacheIndexBuckets(indexWith(held));
    // 3,000 look-ups: the first hundred by stat, the rest from folder listings; held names interleaved throughout.
    const asked = Array.from({ length: 3000 }, (_, index) => (index % 10 === 0 ? held[(index / 10) % held.length]! : `absent-${index}`));
    const answers = asked.map((key) => buckets.has(hashOf(key)));
    expect(answers.filter(Boolean)).toHaveLength(300);
    expect(asked.filter((_, index) => answers[index]).every((key) => key.startsWith('held-'))).toBe(true);
    // Same hash prefix, other rest: a bucket file name must match in full.
    const near = hashOf('held-0').slice(0, 4) + '0'.repeat(60);
    expect(buckets.has(near)).toBe(false);
  });

  it('in a large cache (crowded top-level folders) answers the same', () => {
    const held = Array.from({ length: 50 }, (_, index) => `held-${index}`);
    const index = indexWith(held);
    // The first look-up past the stats decides: its top-level folder is crowded, as in a cache of 100,000 entries.
    const top = hashOf('probe').slice(0, 2);
    for (let second = 0; second < 100; second++) mkdirSync(join(index, top, second.toString(16).padStart(2, '0')), { recursive: true });
    const buckets = new CacheIndexBuckets(index);
    for (let look = 0; look < STATS_BEFORE_LISTING; look++) buckets.has(hashOf(`warm-up-${look}`));
    expect(buckets.has(hashOf('probe'))).toBe(false);
    expect(held.every((key) => buckets.has(hashOf(key)))).toBe(true);
    expect(Array.from({ length: 500 }, (_, look) => buckets.has(hashOf(`absent-${look}`))).some(Boolean)).toBe(false);
  });

  it('an index folder that is missing or empty holds nothing', () => {
    const buckets = new CacheIndexBuckets(join(tempDir('cache-index'), 'no-such-index'));
    expect(Array.from({ length: 1500 }, (_, index) => buckets.has(hashOf(`name-${index}`))).some(Boolean)).toBe(false);
  });
});
