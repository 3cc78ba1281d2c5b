// The warm part of `npm run bench`: what users see after a first online check. A committed lockfile written by
// npm for a real webpack + babel + sass project (bench/fixtures/webpack-babel-sass; `resolved` hosts rewritten
// to a placeholder, then to the local registry here), and a local verdaccio seeded with packuments shaped like
// the real ones (packuments.tsv: each package's number of versions, median version manifest size and readme
// size, read from a real npm cache), so that npm's cache and depwarden's facts cache hold real-sized data.
// Measured: `check --offline` with empty caches, after one online check (warm), and with a facts cache of 50,000
// entries; lockfile-lint on the same lockfile; `vet` of one name and of 20,000 names.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRegistry } from '../test/support/registry.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURE = join(ROOT, 'bench', 'fixtures', 'webpack-babel-sass');
const BIN = join(ROOT, 'bin', 'depwarden.js');
const LINT = join(ROOT, 'node_modules', 'lockfile-lint', 'bin', 'lockfile-lint.js');
const PLACEHOLDER = 'https://registry.example.test/';

/** The peer's arguments: lockfile-lint's https, name and integrity checks, with one allowed registry host. */
export const lockfileLintArgs = (lockfile, host) => [
  LINT,
  '--path',
  lockfile,
  '--type',
  'npm',
  '--validate-https',
  '--validate-package-names',
  '--validate-integrity',
  '--allowed-hosts',
  host,
];

/**
 * Median wall time and CPU time (user + system, ms) and peak RSS (MiB) over `runs` runs after one warm-up run.
 * On a shared machine the wall time grows with the load and the CPU time far less: compare CPU times.
 */
export function measure(args, env, runs) {
  const times = [];
  const cpu = [];
  let peak = 0;
  let last;
  for (let run = 0; run <= runs; run++) {
    const started = process.hrtime.bigint();
    last = spawnSync('/usr/bin/time', ['-f', '%U %S %M', process.execPath, ...args], { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
    if (last.error) throw last.error;
    if (run === 0 && runs > 0) continue;
    times.push(elapsed);
    const [user, system, kib] = last.stderr.trim().split('\n').at(-1).split(' ').map(Number);
    cpu.push((user + system) * 1000);
    peak = Math.max(peak, kib / 1024);
  }
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return { ms: median(times), cpu: median(cpu), mib: peak, stdout: last.stdout, status: last.status };
}

/** Packuments for every package of the lockfile, each with as many versions, and as large, as the real one. */
function packuments(url, lock, shapes) {
  const byName = new Map();
  for (const [location, entry] of Object.entries(lock.packages)) {
    if (!location) continue;
    const name = entry.name ?? location.slice(location.lastIndexOf('node_modules/') + 13);
    const list = byName.get(name) ?? [];
    list.push(entry);
    byName.set(name, list);
  }
  return [...byName].map(([name, locked]) => {
    const [count, versionBytes, readmeBytes] = shapes.get(name) ?? [locked.length, 1000, 0];
    const base = name.slice(name.indexOf('/') + 1);
    const versions = {};
    const time = {};
    const manifest = (version, entry, index) => {
      const body = {
        name,
        version,
        description: `${name} ${version}`,
        ...(entry.dependencies ? { dependencies: entry.dependencies } : {}),
        ...(entry.optionalDependencies ? { optionalDependencies: entry.optionalDependencies } : {}),
        ...(entry.bin ? { bin: entry.bin } : {}),
        ...(entry.hasInstallScript ? { scripts: { install: 'node-gyp rebuild' } } : {}),
        repository: { type: 'git', url: `git+https://git.example.test/${base}.git` },
        dist: {
          tarball: `${url}${name}/-/${base}-${version}.tgz`,
          integrity: entry.integrity ?? `sha512-${Buffer.from(`${name}@${version}`).toString('base64')}`,
        },
      };
      // Real manifests carry file lists, maintainers, engines...: pad to the real median size.
      const padding = versionBytes - JSON.stringify(body).length;
      versions[version] = padding > 0 ? { ...body, _files: 'f'.repeat(padding) } : body;
      time[version] = new Date(Date.UTC(2015, 0, 1) + index * 86_400_000).toISOString();
    };
    for (let index = 0; index < Math.max(0, count - locked.length); index++) manifest(`0.0.${index}`, locked[0], index);
    locked.forEach((entry, index) => manifest(entry.version, entry, count + index));
    return { name, versions, time, 'dist-tags': { latest: locked.at(-1).version }, readme: 'r'.repeat(readmeBytes) };
  });
}

/** Writes `count` facts records of other packages into npm cache `cache`'s facts cache (weeks of use). */
async function fillFactsCache(cache, count) {
  const { FactsCache } = await import('../dist/registry/facts-cache.js');
  const facts = FactsCache.forNpmCache(join(cache, '_cacache'));
  for (let index = 0; index < count; index++) {
    const name = `filler-${index}`;
    const manifest = { name, version: '1.0.0', dependencies: { a: '^1.0.0', b: '^2.0.0' }, repository: true, dist: { integrity: `sha512-${index}` } };
    facts.set('https://registry.example.test/', name, {
      version: '1.0.0',
      manifest,
      previous: { version: '0.9.0', manifest: { ...manifest, version: '0.9.0' } },
      published: new Date(Date.UTC(2024, 0, 1)),
      firstPublished: new Date(Date.UTC(2020, 0, 1)),
      files: new Map(),
      filesFault: undefined,
      provenanceBefore: undefined,
    });
    if (index % 5_000 === 4_999) facts.save();
  }
  facts.save();
}

export async function benchWarm({ runs, names }) {
  const lockText = readFileSync(join(FIXTURE, 'package-lock.json'), 'utf8');
  const lock = JSON.parse(lockText);
  const shapes = new Map(
    readFileSync(join(FIXTURE, 'packuments.tsv'), 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => line.split('\t'))
      .map(([name, ...numbers]) => [name, numbers.map(Number)]),
  );
  const registry = await startRegistry({ seed: (url) => packuments(url, lock, shapes) });
  const work = mkdtempSync(join(tmpdir(), 'depwarden-bench-warm-'));
  try {
    const project = join(work, 'project');
    cpSync(FIXTURE, project, { recursive: true });
    writeFileSync(join(project, 'package-lock.json'), lockText.replaceAll(PLACEHOLDER, registry.url));
    const home = join(work, 'home');
    mkdirSync(home);
    const envWith = (cache) => ({
      ...process.env,
      HOME: home,
      npm_config_userconfig: '/nonexistent/user',
      npm_config_globalconfig: '/nonexistent/global',
      npm_config_cache: join(work, cache),
    });
    const check = (cache, ...more) => [BIN, 'check', project, '--registry', registry.url, '--format', 'json', ...more];
    const packages = Object.keys(lock.packages).length - 1;
    const rows = [];
    const row = (label, result, note = '') => {
      rows.push({ label, ms: result.ms, cpu: result.cpu, mib: result.mib, note });
      return result;
    };

    row('node -e 0 (process start)', measure(['-e', '0'], envWith('none'), runs));
    // On the lockfile as written (https, the placeholder host): the local registry is plain http, which
    // --validate-https would report on every entry.
    const lint = row(
      'lockfile-lint --validate-https --validate-package-names --validate-integrity',
      measure(lockfileLintArgs(join(FIXTURE, 'package-lock.json'), new URL(PLACEHOLDER).host), envWith('none'), runs),
    );
    if (lint.status !== 0) throw new Error(`lockfile-lint found issues in the webpack-babel-sass lockfile: ${lint.stdout.slice(0, 500)}`);
    const empty = row('depwarden check --offline, empty npm cache', measure(check('empty', '--offline'), envWith('empty'), runs));
    const cold = row('depwarden check (online), empty caches: the first run', measure(check('warm'), envWith('warm'), 0));
    // The caches that run wrote are flushed to disk now, not by the kernel during the runs measured next (see below).
    spawnSync('sync');
    const warm = row('depwarden check --offline, warm caches', measure(check('warm', '--offline'), envWith('warm'), runs));
    const fillStarted = performance.now();
    await fillFactsCache(join(work, 'full'), 50_000);
    const fillMs = performance.now() - fillStarted;
    // The 200 MB just written would otherwise be flushed to disk by the kernel while the runs below are measured (a
    // user's caches were written long before: their writeback is no part of a check).
    spawnSync('sync');
    measure(check('full'), envWith('full'), 0);
    const full = row('depwarden check --offline, warm, facts cache of 50,000 entries', measure(check('full', '--offline'), envWith('full'), runs));
    const vetOne = row(
      'depwarden vet --offline webpack (warm npm cache, no facts cache use)',
      measure([BIN, 'vet', '--offline', '--registry', registry.url, 'webpack'], envWith('full'), runs),
    );
    const list = join(work, 'names.txt');
    writeFileSync(list, `${names.join('\n')}\n`);
    const vetMany = row(
      `depwarden vet --offline --from <${names.length.toLocaleString('en')} names> --format json`,
      measure([BIN, 'vet', '--offline', '--registry', registry.url, '--from', list, '--format', 'json'], envWith('full'), Math.min(runs, 3)),
    );
    const summary = (result) => JSON.parse(result.stdout).summary.registry;
    return {
      packages,
      rows,
      registry: { empty: summary(empty), cold: summary(cold), warm: summary(warm), full: summary(full) },
      fillMs,
      // CPU times: what the targets are judged on (see measure).
      lint: rows[1].cpu,
      nodeStart: rows[0].cpu,
      warm: warm.cpu,
      full: full.cpu,
      vetOne: vetOne.cpu,
      namesPerSecond: names.length / ((vetMany.cpu - rows[0].cpu) / 1000),
      namesPerSecondEndToEnd: names.length / (vetMany.cpu / 1000),
    };
  } finally {
    await registry.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
