#!/usr/bin/env node
// Proves the test suite hermetic: runs it with HOME pointing at a folder whose npm cache (~/.npm) holds junk
// packuments of the names the tests use (empty, versionless, invalid JSON) and a junk facts cache, or with
// `--unrelated`, a non-empty cache of other names. A test that read ~/.npm would see the junk and fail; the run
// also fails when anything under that HOME changed (a test that wrote there), and when the run leaves anything in
// its own TMPDIR (a temporary folder not removed).
//   node scripts/hermetic-test.mjs [--unrelated] [vitest args...]
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const cacache = require('cacache');
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const unrelated = args[0] === '--unrelated';
const vitestArgs = unrelated ? args.slice(1) : args;

/** Names the tests use: every package of the fixtures' lockfiles, and the dw-* and squat names of the tests. */
function testNames() {
  const names = new Set(['lodash', 'express', 'expresss', 'crossenv', 'lodahs', 'react-dom', '@types/node', 'dw-never-published', 'dw-plain']);
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(path);
      else if (entry.name === 'package-lock.json') {
        try {
          for (const location of Object.keys(JSON.parse(readFileSync(path, 'utf8')).packages ?? {})) {
            const at = location.lastIndexOf('node_modules/');
            if (at !== -1) names.add(location.slice(at + 'node_modules/'.length));
          }
        } catch {
          // the bad fixtures
        }
      } else if (entry.name.endsWith('.test.ts')) {
        for (const match of readFileSync(path, 'utf8').matchAll(/'(dw-[a-z0-9-]+)'/g)) names.add(match[1]);
      }
    }
  };
  walk(join(ROOT, 'test'));
  return [...names];
}

/** npm's default registry, read from npm's own configuration at run time. */
const defaultRegistry = spawnSync('npm', ['config', 'get', 'registry'], {
  encoding: 'utf8',
  env: { PATH: process.env.PATH, npm_config_userconfig: '/nonexistent/u', npm_config_globalconfig: '/nonexistent/g' },
})
  .stdout.trim()
  .replace(/\/?$/, '/');

const home = mkdtempSync(join(tmpdir(), 'depwarden-junk-home-'));
const cache = join(home, '.npm', '_cacache');
const bodies = (name) => ['{}', JSON.stringify({ name, versions: {}, 'dist-tags': {} }), '{"name":"' + name + '","versions":{"1.0'];
let written = 0;
const names = unrelated ? Array.from({ length: 200 }, (_, index) => `unrelated-package-${index}`) : testNames();
for (const registry of ['https://registry.example.test/', 'http://127.0.0.1:4873/', defaultRegistry]) {
  for (const [index, name] of names.entries()) {
    const url = `${registry}${name.replace('/', '%2f')}`;
    const body = unrelated
      ? JSON.stringify({ name, versions: { '1.0.0': { name, version: '1.0.0' } }, 'dist-tags': { latest: '1.0.0' } })
      : bodies(name)[index % 3];
    await cacache.put(cache, `make-fetch-happen:request-cache:${url}`, body, {
      // The metadata npm-registry-fetch writes for a packument (the accept header must match for a hit).
      metadata: {
        url,
        reqHeaders: { accept: 'application/json' },
        resHeaders: { 'content-type': 'application/json', date: new Date().toUTCString() },
        options: { compress: true },
        time: Date.now(),
      },
    });
    written++;
  }
}
mkdirSync(join(home, '.npm', '_depwarden'), { recursive: true });
for (const version of [1, 2, 3]) writeFileSync(join(home, '.npm', '_depwarden', `facts-v${version}.json`), '{"version":' + version + ',"entries":[["x",{}]');

const snapshot = () =>
  readdirSync(home, { recursive: true, encoding: 'utf8' })
    .sort()
    .map((path) => `${path} ${statSync(join(home, path)).mtimeMs}`)
    .join('\n');
const before = snapshot();
console.log(`HOME=${home}: ${written} ${unrelated ? 'unrelated' : 'junk'} packuments in ~/.npm; running the suite`);
const tmp = mkdtempSync(join(tmpdir(), 'depwarden-hermetic-tmp-'));
const env = { ...process.env, HOME: home, TMPDIR: tmp };
delete env.npm_config_cache;
// vitest itself, not through npx: npx would write its own logs under HOME.
const run = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...vitestArgs], { cwd: ROOT, env, stdio: 'inherit' });
const changed = snapshot() !== before;
if (changed) console.error(`something under HOME changed: ${home} (kept for a look)`);
else rmSync(home, { recursive: true, force: true });
const left = readdirSync(tmp);
if (left.length) console.error(`left in TMPDIR (${tmp}): ${left.join(', ')}`);
else rmSync(tmp, { recursive: true, force: true });
process.exitCode = run.status === 0 && !changed && left.length === 0 ? 0 : 1;
