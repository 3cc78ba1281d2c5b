import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NameIndex, type PopularityMeta } from './index.js';
import { BloomFilter, NearMissTable, PartTable, PopularityTable } from './tables.js';

const DATA = fileURLToPath(new URL('../../data/', import.meta.url));

let loaded: NameIndex | undefined;

/** The committed data files (built by `npm run data`), each read once per process, when first needed. */
export function loadNameIndex(): NameIndex {
  loaded ??= new NameIndex(
    {
      popularity: once(() => new PopularityTable(readFileSync(`${DATA}popularity.bin`))),
      nearMiss: once(() => new NearMissTable(readFileSync(`${DATA}near-miss.bin`))),
      parts: once(() => new PartTable(readFileSync(`${DATA}near-miss-parts.bin`))),
      registered: once(() => new BloomFilter(readFileSync(`${DATA}registered-names.bloom`))),
    },
    JSON.parse(readFileSync(`${DATA}meta.json`, 'utf8')) as PopularityMeta,
  );
  return loaded;
}

function once<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => (made ??= make());
}
