#!/usr/bin/env node
// `npm run bench`: wall-clock and memory figures of depwarden against its peers, on the committed ~2,000-package
// lockfile of popular packages (test/fixtures/popular-app). Prints a table; exits 1 when a target is missed.
import { loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchPopular } from './online.mjs';
import { benchWarm } from './warm.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const LOCKFILE = join(ROOT, 'test', 'fixtures', 'popular-app', 'package-lock.json');
const RUNS = Number(process.env.BENCH_RUNS ?? 9);

// popular-app against a local verdaccio, each command with its own HOME and npm cache (online.mjs).
const popular = await benchPopular({ runs: RUNS });
const { rows, online } = popular;

const load = () =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');
console.log(
  `depwarden bench: ${popular.packages} packages (test/fixtures/popular-app, packuments on a local verdaccio), median of ${RUNS} runs, Node ${process.version}; load average ${load()}\n`,
);
// Wall time grows with the machine's load, CPU time (user + system) far less: the targets are judged on CPU time.
const line = (row, width) =>
  `${row.label.padEnd(width)}  ${row.ms.toFixed(0).padStart(5)} ms wall  ${row.cpu.toFixed(0).padStart(5)} ms CPU  ${row.mib.toFixed(0).padStart(4)} MiB`;
const width = Math.max(...rows.map((row) => row.label.length));
for (const row of rows) console.log(line(row, width));
console.log(
  `online check (${online.cold.asked} registry packages): empty caches ${online.cold.ms.toFixed(0)} ms, warm caches ${online.warm.ms.toFixed(0)} ms wall; target warm <= 2,000 ms`,
);

// The near-miss search in process: index load, and look-ups on a lockfile's names, on misspelt names, and on
// ordinary names (1,000-99,999 downloads a month; unlisted ones also take the part search).
const { loadNameIndex } = await import('../dist/popularity/load.js');
const { findNearMiss } = await import('../dist/popularity/near-miss.js');
const loadStarted = performance.now();
const index = loadNameIndex();
// The tables are read on first use: one look-up of each loads them all.
index.downloads('react');
index.lookalikeRanks('react');
index.distantRanks('react');
index.isRegistered('react');
const loadMs = performance.now() - loadStarted;
const lockNames = Object.entries(JSON.parse(readFileSync(LOCKFILE, 'utf8')).packages)
  .filter(([location]) => location)
  .map(([location, entry]) => entry.name ?? location.slice(location.lastIndexOf('node_modules/') + 13));
const misspelt = lockNames.filter((name) => name.length > 3).map((name) => name[0] + name[2] + name[1] + name.slice(3));
const rate = (names) => {
  for (let pass = 0; pass < 3; pass++) for (const name of names) findNearMiss(name, index); // warm-up: JIT, caches
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < 2000)
    for (const name of names) {
      findNearMiss(name, index);
      count++;
    }
  return Math.round(count / ((performance.now() - started) / 1000));
};
const ordinary = readFileSync(join(ROOT, 'test', 'fixtures', 'names', 'ordinary-names.tsv'), 'utf8')
  .split('\n')
  .filter((line) => line && !line.startsWith('#'))
  .map((line) => line.split('\t')[0]);
console.log(
  `\nname index load: ${loadMs.toFixed(1)} ms; near-miss look-ups/s: ${rate(lockNames).toLocaleString('en')} (lockfile names), ${rate(misspelt).toLocaleString('en')} (misspelt names); target >= 200,000; ${rate(ordinary).toLocaleString('en')} (ordinary names)`,
);

// Warm caches on a real project, the cases users have after a first online check. The names to vet: 20,000
// established registry names (near-miss targets, from the committed name index), spread over its ranks. (Ranks
// past the table's end are not names: an earlier list took `index * 2` and so vetted ~150 copies of the whole
// 0.7 MB name blob.)
const { PopularityTable } = await import('../dist/popularity/tables.js');
const popularity = new PopularityTable(readFileSync(join(ROOT, 'data', 'popularity.bin')));
if (popularity.targets < 20_000) throw new Error(`the name index holds ${popularity.targets} names, fewer than the 20,000 to vet`);
const names = Array.from({ length: 20_000 }, (_, index) => popularity.targetName(Math.floor((index * popularity.targets) / 20_000)));
const warm = await benchWarm({ runs: RUNS, names });
console.log(
  `\nwarm caches: ${warm.packages} packages (bench/fixtures/webpack-babel-sass, a lockfile written by npm), real-sized packuments on a local verdaccio, median of ${RUNS} runs\n`,
);
const warmWidth = Math.max(...warm.rows.map((row) => row.label.length));
for (const row of warm.rows) console.log(line(row, warmWidth));
const registryLine = (label, summary) =>
  `${label} ${summary.answered}/${summary.asked} answered${summary.notCached ? `, ${summary.notCached} not in npm's cache` : ''}`;
console.log(
  `registry facts: ${registryLine('empty', warm.registry.empty)}; ${registryLine('cold', warm.registry.cold)}; ${registryLine('warm', warm.registry.warm)}; ${registryLine('50,000', warm.registry.full)}; filling 50,000 records took ${(warm.fillMs / 1000).toFixed(1)} s`,
);
console.log(
  `vet of 20,000 names: ${Math.round(warm.namesPerSecondEndToEnd).toLocaleString('en')} names/s end to end, ${Math.round(warm.namesPerSecond).toLocaleString('en')} names/s past process start`,
);

const lint = popular.lint;
const targets = [
  [`popular-app, empty npm cache: depwarden check --offline <= lockfile-lint (${popular.empty.toFixed(0)} vs ${lint.toFixed(0)} ms)`, popular.empty <= lint],
  [`popular-app, warm caches: depwarden check --offline <= lockfile-lint (${popular.warm.toFixed(0)} vs ${lint.toFixed(0)} ms)`, popular.warm <= lint],
  [`online warm check <= 2,000 ms (${online.warm.ms.toFixed(0)} ms)`, online.warm.ms <= 2000],
  [`webpack-babel-sass, warm: depwarden check --offline <= lockfile-lint (${warm.warm.toFixed(0)} vs ${warm.lint.toFixed(0)} ms)`, warm.warm <= warm.lint],
  [`facts cache of 50,000 entries within 10% of a small one (${warm.full.toFixed(0)} vs ${warm.warm.toFixed(0)} ms)`, warm.full <= warm.warm * 1.1],
  [`vet of one name <= node -e 0 + 200 ms (${warm.vetOne.toFixed(0)} vs ${warm.nodeStart.toFixed(0)} ms)`, warm.vetOne <= warm.nodeStart + 200],
  [
    `vet --from of 20,000 names >= 50,000 names/s end to end (${Math.round(warm.namesPerSecondEndToEnd).toLocaleString('en')})`,
    warm.namesPerSecondEndToEnd >= 50_000,
  ],
];
console.log(`\n(CPU times; load average now ${load()})`);
for (const [label, met] of targets) console.log(`target: ${label}: ${met ? 'met' : 'MISSED'}`);
process.exitCode = targets.every(([, met]) => met) ? 0 : 1;
