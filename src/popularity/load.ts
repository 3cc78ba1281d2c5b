import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NameIndex, type PopularityMeta } from './index.js';
import { BloomFilter, NearMissTable, PartTable, PopularityTable } from './tables.js';

const DATA = fileURLToPath(new URL('../../data/', import.meta.url));

let loaded: NameIndex | undefined;

/** The committed data files (built by `npm run data`), read once per process. */
export function loadNameIndex(): NameIndex {
  loaded ??= new NameIndex(
    new PopularityTable(readFileSync(`${DATA}popularity.bin`)),
    new NearMissTable(readFileSync(`${DATA}near-miss.bin`)),
    new PartTable(readFileSync(`${DATA}near-miss-parts.bin`)),
    new BloomFilter(readFileSync(`${DATA}registered-names.bloom`)),
    JSON.parse(readFileSync(`${DATA}meta.json`, 'utf8')) as PopularityMeta,
  );
  return loaded;
}
