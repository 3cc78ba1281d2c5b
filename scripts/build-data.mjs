#!/usr/bin/env node
// `npm run data`: rebuilds data/ from the npm package `download-counts` (monthly downloads of every npm name),
// installed into a temporary folder: it is no dependency of depwarden. Writes
//   data/popularity.bin          names with >= POPULAR_MIN downloads a month and their counts, by hash
//   data/near-miss.bin           the near-miss key table over names with >= TARGET_MIN downloads
//   data/near-miss-parts.bin     the part table of the two- and three-edit search, over the targets it counts against
//   data/registered-names.bloom  a Bloom filter of every registered name
//   data/meta.json               source, version, date, cut-offs, the filter's measured false-positive rate
// and, for `npm run eval`, test/fixtures/names/legit-pairs.tsv (popular pairs within edit distance 2) and
// test/fixtures/names/ordinary-names.tsv (a sample of less popular names, for the noise figure).
// `npm run data -- --counts DIR` reads an already installed download-counts package from DIR instead.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { editDistance } from '../dist/text/distance.js';
import { searchedByParts } from '../dist/popularity/near-miss.js';
import { BloomFilter, NearMissTable, PartTable, encodeBloom, encodeNearMissTable, encodePartTable, encodePopularity } from '../dist/popularity/tables.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = join(ROOT, 'data');
/** Listed with counts: enough to tell an established package from a fresh squat. */
const POPULAR_MIN = 10_000;
/** Near-miss targets: what attackers imitate. ~40k names, within the table's 16-bit ranks. */
const TARGET_MIN = 100_000;
/** 4 MiB of bits for ~3.8M names: ~8.9 bits a name, 6 hashes, about 1% false "registered"; keeps data/ under 10 MB. */
const BLOOM_BITS = 4 * 1024 * 1024 * 8;
const BLOOM_HASHES = 6;
/** The noise sample: names with this many downloads a month or more (and fewer than TARGET_MIN). */
const ORDINARY_MIN = 1_000;
const ORDINARY_SAMPLE = 5_000;

const { values: options } = parseArgs({ options: { counts: { type: 'string' } } });
const work = mkdtempSync(join(tmpdir(), 'depwarden-data-'));
try {
  const packageDir = options.counts ? resolve(options.counts) : installDownloadCounts(work);
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  const counts = JSON.parse(readFileSync(join(packageDir, 'counts.json'), 'utf8'));
  const names = Object.keys(counts);
  console.log(`${names.length} names, download-counts@${version}`);

  const popular = names.filter((name) => counts[name] >= POPULAR_MIN).sort((a, b) => counts[b] - counts[a] || (a < b ? -1 : 1));
  const targets = popular.filter((name) => counts[name] >= TARGET_MIN);

  mkdirSync(DATA, { recursive: true });
  const popularity = encodePopularity(
    popular.map((name) => [name, counts[name]]),
    targets.length,
  );
  writeFileSync(join(DATA, 'popularity.bin'), popularity);
  const table = encodeNearMissTable(targets);
  writeFileSync(join(DATA, 'near-miss.bin'), table);
  // Only the targets that two or three edits count against are cut in parts for the part search.
  const parts = encodePartTable(targets, (rank) => searchedByParts(counts[targets[rank]]));
  writeFileSync(join(DATA, 'near-miss-parts.bin'), parts);
  const bloom = encodeBloom(names, BLOOM_BITS, BLOOM_HASHES);
  writeFileSync(join(DATA, 'registered-names.bloom'), bloom);

  const falsePositiveRate = measureFalsePositives(new BloomFilter(bloom), counts);
  const meta = {
    source: 'download-counts',
    sourceVersion: version,
    countsDate: /^\d+\.(\d{4})(\d{2})(\d{2})\./.exec(version)?.slice(1).join('-') ?? 'unknown',
    registeredNames: names.length,
    popularMin: POPULAR_MIN,
    targetMin: TARGET_MIN,
    popularNames: popular.length,
    targets: targets.length,
    bloom: { bits: BLOOM_BITS, hashes: BLOOM_HASHES, falsePositiveRate },
  };
  writeFileSync(join(DATA, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);

  const pairs = legitimatePairs(new NearMissTable(table), new PartTable(parts), targets, counts);
  mkdirSync(join(ROOT, 'test', 'fixtures', 'names'), { recursive: true });
  writeFileSync(
    join(ROOT, 'test', 'fixtures', 'names', 'legit-pairs.tsv'),
    `# popular npm names (>= ${TARGET_MIN} downloads/month each, download-counts@${version}) within edit distance 2 of each other\n` +
      `# less popular\tmore popular\n${pairs.map((pair) => pair.join('\t')).join('\n')}\n`,
  );
  const ordinary = ordinarySample(counts);
  writeFileSync(
    join(ROOT, 'test', 'fixtures', 'names', 'ordinary-names.tsv'),
    `# ${ordinary.length} npm names drawn at random (fixed seed) among those with ${ORDINARY_MIN}-${TARGET_MIN - 1} downloads/month, download-counts@${version}:\n` +
      `# packages people use, below the "established" cut-off; how many get a finding is the noise a user sees\n` +
      `# name\tdownloads\n${ordinary.map((name) => `${name}\t${counts[name]}`).join('\n')}\n`,
  );
  const size = (bytes) => `${(bytes.length / 1024 / 1024).toFixed(2)} MiB`;
  console.log(
    `popularity: ${popular.length} names, ${size(popularity)}; near-miss table: ${targets.length} targets, ${size(table)}; part table: ${size(parts)}; bloom: ${size(bloom)}, false positives ${(falsePositiveRate * 100).toFixed(2)}%; ${pairs.length} legitimate pairs`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}

function installDownloadCounts(work) {
  console.log('installing download-counts into a temporary folder…');
  execFileSync('npm', ['install', 'download-counts', '--prefix', work, '--no-save', '--ignore-scripts', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  return join(work, 'node_modules', 'download-counts');
}

/** A fixed-seed sample of names below the established cut-off, for the noise figure of `npm run eval`. */
function ordinarySample(counts) {
  const pool = Object.keys(counts)
    .filter((name) => counts[name] >= ORDINARY_MIN && counts[name] < TARGET_MIN)
    .sort();
  let state = 7;
  const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const chosen = new Set();
  while (chosen.size < ORDINARY_SAMPLE) chosen.add(pool[Math.floor(random() * pool.length)]);
  return [...chosen].sort();
}

/** Share of unregistered name-like strings that the filter wrongly calls registered. */
function measureFalsePositives(filter, counts) {
  let state = 42;
  const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-';
  let tried = 0;
  let wrong = 0;
  while (tried < 200_000) {
    const length = 6 + Math.floor(random() * 14);
    let name = '';
    for (let index = 0; index < length; index++) name += alphabet[Math.floor(random() * alphabet.length)];
    if (Object.hasOwn(counts, name)) continue;
    tried++;
    if (filter.has(name)) wrong++;
  }
  return Number((wrong / tried).toFixed(5));
}

/** Every pair of targets within distance 2, found through the table itself, as [less popular, more popular]. */
function legitimatePairs(table, partTable, targets, counts) {
  const pairs = new Map();
  targets.forEach((name, rank) => {
    for (const other of new Set([...table.candidatesFor(name), ...partTable.candidatesFor(name)])) {
      const otherName = targets[other];
      if (other === rank || editDistance(name, otherName, 2) > 2) continue;
      const pair = counts[name] <= counts[otherName] ? [name, otherName] : [otherName, name];
      pairs.set(pair.join('\t'), pair);
    }
  });
  return [...pairs.values()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
}
