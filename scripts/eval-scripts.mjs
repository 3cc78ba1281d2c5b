#!/usr/bin/env node
// `npm run eval`, second part: the install-script analysis's quality figures.
//   recall      share of the malicious cases (test/fixtures/malicious-scripts: the shapes of 2024–2025 incidents,
//               harmless .test targets) judged high or critical
//   precision   share of the high-or-critical verdicts, over those cases and the real install scripts of
//               well-known packages (test/fixtures/install-scripts), that are malicious cases
// Judged on content alone, without the popularity discount the rule gives well-known packages. Exits 1 when recall
// is below 90% or any real script is judged high or critical. --verbose prints every case's signals.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { analyzeInstallScripts } from '../dist/scripts/analyze.js';
import { judgeSignals } from '../dist/scripts/judge.js';
import { isReleaseHost } from '../dist/scripts/vocabulary.js';
import { installScriptsOf } from '../dist/npm/scripts.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { verbose: { type: 'boolean' } } });
// The fixtures' stand-in for the public registry (scripts/fetch-install-fixtures.mjs writes it in place of the real host).
const trusted = (host) => host === 'public-registry.example.test' || isReleaseHost(host);
const HIGH = new Set(['high', 'critical']);

function judge(dir) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const read = (path) => {
    try {
      const stat = statSync(join(dir, path));
      return stat.isFile() ? { text: readFileSync(join(dir, path), 'utf8'), bytes: stat.size } : undefined;
    } catch {
      return undefined;
    }
  };
  const started = performance.now();
  const analysis = analyzeInstallScripts(installScriptsOf(manifest.scripts), read);
  return { name: manifest.name, analysis, severity: judgeSignals(analysis.signals, trusted) ?? 'none', ms: performance.now() - started };
}

const folders = (dir) =>
  readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .sort()
    .map((name) => join(dir, name));
const malicious = folders(join(ROOT, 'test', 'fixtures', 'malicious-scripts')).map(judge);
const benign = folders(join(ROOT, 'test', 'fixtures', 'install-scripts')).map(judge);

const caught = malicious.filter((result) => HIGH.has(result.severity));
const falseAlarms = benign.filter((result) => HIGH.has(result.severity));
const recall = caught.length / malicious.length;
const precision = caught.length / Math.max(1, caught.length + falseAlarms.length);
const pct = (value) => `${(value * 100).toFixed(1)}%`;

console.log('install scripts');
console.log(`  recall      ${pct(recall)} (${caught.length} of ${malicious.length} malicious cases high or critical)`);
console.log(`  precision   ${pct(precision)} (${falseAlarms.length} of ${benign.length} real scripts of well-known packages high or critical)`);
const count = (results, severity) => results.filter((result) => result.severity === severity).length;
console.log(`  malicious   ${['critical', 'high', 'medium', 'low', 'none'].map((s) => `${count(malicious, s)} ${s}`).join(', ')}`);
console.log(`  real        ${['critical', 'high', 'medium', 'low', 'none'].map((s) => `${count(benign, s)} ${s}`).join(', ')}`);
const times = [...malicious, ...benign].map((result) => result.ms).sort((a, b) => a - b);
console.log(
  `  time        median ${times[Math.floor(times.length / 2)].toFixed(0)} ms, slowest ${times.at(-1).toFixed(0)} ms per package (first includes loading the parser)`,
);
for (const result of [...malicious.filter((r) => !HIGH.has(r.severity)), ...falseAlarms]) console.log(`  miss        ${result.name}: ${result.severity}`);
if (values.verbose) {
  for (const result of [...malicious, ...benign]) {
    console.log(`  ${result.severity.padEnd(8)} ${result.name}`);
    for (const signal of result.analysis.signals)
      console.log(`             ${signal.kind} ${signal.file}:${signal.line}${signal.host ? ` (${signal.host})` : ''}`);
  }
}
const failed = recall < 0.9 || falseAlarms.length > 0;
if (failed) console.log('install scripts: below target (recall >= 90%, no real script high or critical)');
process.exitCode = failed ? 1 : 0;
