#!/usr/bin/env node
// `npm run eval`: the near-miss detector's quality figures.
//   recall        share of real squats (test/fixtures/names/squats.tsv, or --squats FILE) that near-miss-name flags,
//                 overall and among squats of packages popular enough to be near-miss targets
//   false alarms  share of legitimate popular pairs (test/fixtures/names/legit-pairs.tsv) where the less popular
//                 name is flagged as imitating the more popular one
//   lockfile      name findings at or above medium on the committed 2,000-package lockfile of popular packages
//   speed         near-miss look-ups per second, and the time to load the index
// Exits 1 when a target is missed: recall >= 90%, false alarms <= 1%, no medium+ finding on the lockfile, and
// 200,000 look-ups a second on a lockfile's names and on misspelt names.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { check } from '../dist/analysis/analyze.js';
import { findNearMiss } from '../dist/popularity/near-miss.js';
import { loadNameIndex } from '../dist/popularity/load.js';
import { diskFiles } from '../dist/tree/files.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const NAMES = join(ROOT, 'test', 'fixtures', 'names');
const { values } = parseArgs({ options: { squats: { type: 'string' }, verbose: { type: 'boolean' } } });

const rows = (path) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'))
    .map((line) => line.split('\t'));

const loadStarted = performance.now();
const index = loadNameIndex();
const loadMs = performance.now() - loadStarted;

const squats = rows(values.squats ? resolve(values.squats) : join(NAMES, 'squats.tsv'));
const missed = [];
let rightTarget = 0;
// The detector judges by popularity: a squat of a package below the target cut-off is out of its reach by design.
const isPopular = (name) => (index.downloads(name) ?? 0) >= index.meta.targetMin;
const ofPopular = squats.filter(([, target]) => isPopular(target));
const caughtOfPopular = { any: 0, medium: 0, high: 0 };
for (const [name, target] of squats) {
  const match = findNearMiss(name, index);
  if (!match) {
    missed.push(`${name} (${target})`);
    continue;
  }
  if (match.target === target) rightTarget++;
  if (!isPopular(target)) continue;
  caughtOfPopular.any++;
  if (match.severity !== 'low') caughtOfPopular.medium++;
  if (match.severity === 'high') caughtOfPopular.high++;
}
const recall = (squats.length - missed.length) / squats.length;

// Noise: findings on a sample of packages people use that are below the established cut-off.
const ordinary = rows(join(NAMES, 'ordinary-names.tsv')).map(([name]) => name);
const noise = { any: 0, medium: 0, high: 0 };
for (const name of ordinary) {
  const match = findNearMiss(name, index);
  if (!match) continue;
  noise.any++;
  if (match.severity !== 'low') noise.medium++;
  if (match.severity === 'high') noise.high++;
}

const pairs = rows(join(NAMES, 'legit-pairs.tsv'));
const alarms = pairs.filter(([lessPopular, morePopular]) => findNearMiss(lessPopular, index)?.target === morePopular);
const falseAlarmRate = alarms.length / pairs.length;

const env = { PATH: process.env.PATH, npm_config_userconfig: '/nonexistent/user', npm_config_globalconfig: '/nonexistent/global' };
const outcome = await check({
  files: diskFiles(join(ROOT, 'test', 'fixtures', 'popular-app')),
  nodeModules: false,
  env,
  registry: 'https://registry.example.test/',
  failOn: 'medium',
  offline: true,
});

const NAME_RULES = new Set(['near-miss-name', 'unregistered-name']);
const nameFindings = outcome.failing.filter((finding) => NAME_RULES.has(finding.rule));

// Look-up speed on three mixes: the names of a real lockfile (mostly popular: the fast path), misspelt names (the
// second and third letters of each name in the legitimate pairs swapped), and ordinary names. Every look-up
// derives the name's forms afresh: nothing is cached across look-ups.
const lockfileNames = [...outcome.tree.nodes.values()].map((node) => node.name);
const perSecond = (names) => {
  for (let pass = 0; pass < 3; pass++) for (const name of names) findNearMiss(name, index); // warm-up: JIT, caches
  let lookups = 0;
  const started = performance.now();
  while (performance.now() - started < 2000)
    for (const name of names) {
      findNearMiss(name, index);
      lookups++;
    }
  return lookups / ((performance.now() - started) / 1000);
};
const swapped = readFileSync(join(NAMES, 'legit-pairs.tsv'), 'utf8')
  .split('\n')
  .filter((line) => line && !line.startsWith('#'))
  .flatMap((line) => line.split('\t'))
  .map((name) => (name.length > 3 ? name[0] + name[2] + name[1] + name.slice(3) : name));
const lockfileSpeed = perSecond(lockfileNames);
const unknownSpeed = perSecond(swapped);
// Unlisted names that resemble nothing take both searches, the fast one and the part search for two and three
// edits: reported, not part of the target (which, as the issue set it against the naive scan, is about a tree's
// names and misspellings).
const ordinarySpeed = perSecond(ordinary);

const percent = (share) => `${(share * 100).toFixed(1)}%`;
console.log(`depwarden name evaluation (data: ${index.meta.source}@${index.meta.sourceVersion}, counts of ${index.meta.countsDate})\n`);
const share = (count, total) => `${percent(count / total)} (${count}/${total})`;
console.log(
  `recall on real squats:        ${percent(recall)} (${squats.length - missed.length}/${squats.length}; imitated package named right: ${rightTarget})`,
);
console.log(
  `  of popular packages:        ${share(caughtOfPopular.any, ofPopular.length)} of squats of packages with >= ${index.meta.targetMin.toLocaleString('en')} downloads/month`,
);
console.log(`    at medium or high:        ${share(caughtOfPopular.medium, ofPopular.length)}`);
console.log(`    at high (fails by default): ${share(caughtOfPopular.high, ofPopular.length)}`);
console.log(`false alarms, legit pairs:    ${percent(falseAlarmRate)} (${alarms.length}/${pairs.length})`);
console.log(
  `noise, ordinary packages:     any finding ${share(noise.any, ordinary.length)}, medium+ ${share(noise.medium, ordinary.length)}, high ${share(noise.high, ordinary.length)}`,
);
console.log(`medium+ name findings, lockfile: ${nameFindings.length} (test/fixtures/popular-app, ${outcome.tree.nodes.size - 1} packages)`);
console.log(
  `near-miss look-ups / second:  ${Math.round(lockfileSpeed).toLocaleString('en')} on a lockfile's names, ${Math.round(unknownSpeed).toLocaleString('en')} on misspelt names, ${Math.round(ordinarySpeed).toLocaleString('en')} on ordinary names`,
);
console.log(`index load:                   ${loadMs.toFixed(1)} ms`);
if (values.verbose || missed.length) console.log(`\nmissed: ${missed.join(', ') || 'none'}`);
if (alarms.length) console.log(`false alarms: ${alarms.map(([a, b]) => `${a}~${b}`).join(', ')}`);
for (const finding of nameFindings) console.log(`lockfile finding: ${finding.rule} ${finding.package.name}`);

const ok = recall >= 0.9 && falseAlarmRate <= 0.01 && nameFindings.length === 0 && Math.min(lockfileSpeed, unknownSpeed) >= 200_000;
console.log(
  `\ntargets (recall on the squats >= 90%, false alarms <= 1%, no medium+ finding, >= 200,000 look-ups/s on lockfile and misspelt names): ${ok ? 'met' : 'MISSED'}`,
);
process.exitCode = ok ? 0 : 1;
