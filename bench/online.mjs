// The popular-app part of `npm run bench`: the 2,016-package lockfile against a local verdaccio seeded with a
// packument for every package in it. Every command runs with its own HOME and npm cache in one temporary folder
// (removed after), never the user's ~/.npm: `check --offline` with an empty npm cache, `check` online with empty
// caches (cold) and again with the caches it filled (warm), `check --offline` with those warm caches, and
// lockfile-lint on the same lockfile.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRegistry } from '../test/support/registry.mjs';
import { lockfileLintArgs, measure } from './warm.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'popular-app');
const BIN = join(ROOT, 'bin', 'depwarden.js');
const PLACEHOLDER = 'https://registry.example.test/';

function packuments(url, entries) {
  const byName = new Map();
  for (const [location, entry] of entries) {
    const name = entry.name ?? location.slice(location.lastIndexOf('node_modules/') + 13);
    const base = name.slice(name.indexOf('/') + 1);
    const packument = byName.get(name) ?? { name, versions: {}, time: {}, 'dist-tags': {} };
    packument.versions[entry.version] = {
      name,
      version: entry.version,
      ...(entry.hasInstallScript ? { scripts: { install: 'node-gyp rebuild' } } : {}),
      dist: { tarball: `${url}${name}/-/${base}-${entry.version}.tgz`, integrity: entry.integrity },
    };
    packument.time[entry.version] = '2024-01-01T00:00:00.000Z';
    packument['dist-tags'].latest = entry.version;
    byName.set(name, packument);
  }
  return [...byName.values()];
}

/** Rows of `measure` results (median of `runs` after a warm-up), and the two online runs (wall ms, one run each). */
export async function benchPopular({ runs }) {
  const lockText = readFileSync(join(FIXTURE, 'package-lock.json'), 'utf8');
  const lock = JSON.parse(lockText);
  const entries = Object.entries(lock.packages).filter(([location]) => location);
  const registry = await startRegistry({ seed: (url) => packuments(url, entries) });
  const work = mkdtempSync(join(tmpdir(), 'depwarden-bench-'));
  try {
    const project = join(work, 'project');
    cpSync(FIXTURE, project, { recursive: true });
    const lockfile = join(project, 'package-lock.json');
    writeFileSync(lockfile, lockText.replaceAll(PLACEHOLDER, registry.url));
    const home = join(work, 'home');
    mkdirSync(home);
    const envWith = (cache) => ({
      ...process.env,
      HOME: home,
      npm_config_userconfig: '/nonexistent/user',
      npm_config_globalconfig: '/nonexistent/global',
      npm_config_cache: join(work, cache),
    });
    const check = (...more) => [BIN, 'check', project, '--registry', registry.url, ...more];
    const online = (cache) => {
      const result = measure(check('--format', 'json'), envWith(cache), 0);
      const report = JSON.parse(result.stdout);
      return { ms: result.ms, answered: report.summary.registry.answered, asked: report.summary.registry.asked, findings: report.summary.total };
    };
    const rows = [];
    const row = (label, args, cache = 'none') => {
      const result = { label, ...measure(args, envWith(cache), runs) };
      rows.push(result);
      return result;
    };
    row('node -e 0 (process start)', ['-e', '0']);
    row('node: read + JSON.parse of the lockfile', ['-e', `JSON.parse(require('fs').readFileSync(${JSON.stringify(lockfile)}, 'utf8'))`]);
    // lockfile-lint reads the lockfile as committed (https, the placeholder host): the local registry is plain http,
    // which its --validate-https would report on every entry, so it would measure the printing of 2,016 errors.
    const lint = row(
      'lockfile-lint --type npm --validate-https --validate-package-names --validate-integrity',
      lockfileLintArgs(join(FIXTURE, 'package-lock.json'), new URL(PLACEHOLDER).host),
    );
    if (lint.status !== 0) throw new Error(`lockfile-lint found issues in the popular-app lockfile: ${lint.stdout.slice(0, 500)}`);
    const empty = row('depwarden check --offline (text), empty npm cache', check('--offline'), 'empty');
    row('depwarden check --offline --format sarif, empty npm cache', check('--offline', '--format', 'sarif'), 'empty');
    const cold = online('warm');
    const warmOnline = online('warm');
    // What the online runs wrote is flushed now, not by the kernel during the runs measured next.
    spawnSync('sync');
    const warm = row('depwarden check --offline (text), warm caches', check('--offline'), 'warm');
    row('depwarden check --offline --format sarif, warm caches', check('--offline', '--format', 'sarif'), 'warm');
    return { packages: entries.length, rows, lint: lint.cpu, empty: empty.cpu, warm: warm.cpu, online: { cold, warm: warmOnline } };
  } finally {
    await registry.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
