// The online part of `npm run bench`: `check` of the 2,016-package lockfile against a local verdaccio seeded
// with a packument for every package in it, once with an empty npm cache (cold) and once with that cache (warm).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRegistry } from '../test/support/registry.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'popular-app');

export async function benchOnline() {
  const lock = JSON.parse(readFileSync(join(FIXTURE, 'package-lock.json'), 'utf8'));
  const entries = Object.entries(lock.packages).filter(([location]) => location);
  const registry = await startRegistry({
    seed: (url) => {
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
    },
  });
  const work = mkdtempSync(join(tmpdir(), 'depwarden-bench-'));
  try {
    const project = join(work, 'project');
    cpSync(FIXTURE, project, { recursive: true });
    const lockText = readFileSync(join(project, 'package-lock.json'), 'utf8').replaceAll('https://registry.example.test/', registry.url);
    writeFileSync(join(project, 'package-lock.json'), lockText);
    const env = {
      ...process.env,
      npm_config_userconfig: '/nonexistent/user',
      npm_config_globalconfig: '/nonexistent/global',
      npm_config_cache: join(work, 'cache'),
    };
    const run = () => {
      const started = process.hrtime.bigint();
      const result = spawnSync(process.execPath, [join(ROOT, 'bin/depwarden.js'), 'check', project, '--registry', registry.url, '--format', 'json'], {
        env,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const report = JSON.parse(result.stdout);
      return { ms, answered: report.summary.registry.answered, asked: report.summary.registry.asked, findings: report.summary.total };
    };
    const cold = run();
    const warm = run();
    return { cold, warm };
  } finally {
    await registry.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
