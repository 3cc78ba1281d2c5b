import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssri from 'ssri';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, ROOT } from './support/paths.js';
import { runNpm, startRegistry, type Registry } from './support/registry.mjs';

interface Packed {
  name: string;
  version: string;
  manifest: Record<string, unknown>;
  file: string;
  data: Buffer;
}

const work = mkdtempSync(join(tmpdir(), 'depwarden-pack-e2e-'));
const home = join(work, 'home');
const app = join(work, 'app');
let registry: Registry;
let tarball: string;

/**
 * depwarden's runtime dependencies, packed from this checkout's node_modules, at the versions its lockfile pins: the
 * local registry serves them, so the packed depwarden installs like from a real registry, with no network.
 */
function runtimeDependencies(): Packed[] {
  const lockfile = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; link?: boolean }> };
  const out = join(work, 'deps');
  mkdirSync(out);
  return Object.entries(lockfile.packages)
    .filter(([location, entry]) => location !== '' && !entry.dev && !entry.link)
    .map(([location], index) => {
      const folder = join(ROOT, location);
      const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { name: string; version: string };
      const file = join(out, `${index}.tgz`);
      const entries = readdirSync(folder).filter((entry) => entry !== 'node_modules');
      // Level 1: npm reads any gzip level alike, and these ~130 tarballs are made on every run (a third less CPU).
      tar.c({ file, sync: true, gzip: { level: 1 }, cwd: folder, prefix: 'package', portable: true }, entries);
      return { name: manifest.name, version: manifest.version, manifest, file, data: readFileSync(file) };
    });
}

const tarballName = (name: string, version: string) => `${name.split('/').pop()}-${version}.tgz`;

function packuments(packed: readonly Packed[], url: string) {
  const byName = new Map<string, Packed[]>();
  for (const entry of packed) byName.set(entry.name, [...(byName.get(entry.name) ?? []), entry]);
  return [...byName].map(([name, versions]) => ({
    name,
    'dist-tags': { latest: versions.at(-1)!.version },
    versions: Object.fromEntries(
      versions.map(({ version, manifest, data }) => [
        version,
        {
          ...manifest,
          _id: `${name}@${version}`,
          dist: {
            tarball: `${url}${name}/-/${tarballName(name, version)}`,
            integrity: ssri.fromData(data, { algorithms: ['sha512'] }).toString(),
            shasum: createHash('sha1').update(data).digest('hex'),
          },
        },
      ]),
    ),
  }));
}

const npm = (args: string[], cwd = app) => registry.npm(args, { cwd, env: { HOME: home, npm_config_offline: 'false' } });

beforeAll(async () => {
  mkdirSync(home);
  mkdirSync(app);
  // `npm test` built dist/ already: pack what is there, as `npm publish` would after its prepare.
  writeFileSync(join(work, 'pack-npmrc'), '');
  const pack = runNpm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
    cwd: ROOT,
    npmrc: join(work, 'pack-npmrc'),
    cache: join(work, 'pack-cache'),
    env: { HOME: home },
  });
  expect(pack.status, pack.stderr).toBe(0);
  tarball = join(work, (JSON.parse(pack.stdout) as [{ filename: string }])[0].filename);
  // The registry holds the runtime dependencies and depwarden itself (too big for verdaccio's publish limit).
  const self = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown> & { name: string; version: string };
  const packed = [...runtimeDependencies(), { name: self.name, version: self.version, manifest: self, file: tarball, data: readFileSync(tarball) }];
  registry = await startRegistry({ seed: (url: string) => packuments(packed, url) });
  for (const entry of packed) {
    writeFileSync(join(registry.home, 'storage', entry.name, tarballName(entry.name, entry.version)), entry.data);
  }
  writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'app', version: '1.0.0', private: true }, null, 2)}\n`);
}, 180_000);

afterAll(async () => {
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('the packed tarball (npm pack, installed into an empty project from a local registry)', () => {
  it('holds what runs and nothing else', () => {
    const files: string[] = [];
    tar.t({ file: tarball, sync: true, onReadEntry: (entry) => files.push(entry.path) });
    for (const needed of [
      'package/package.json',
      'package/README.md',
      'package/LICENSE',
      'package/bin/depwarden.js',
      'package/dist/cli/main.js',
      'package/dist/index.js',
      'package/dist/index.d.ts',
      'package/data/popularity.bin',
      'package/data/near-miss.bin',
      'package/data/near-miss-parts.bin',
      'package/data/registered-names.bloom',
      'package/data/meta.json',
      'package/docs/rules.md',
    ]) {
      expect(files).toContain(needed);
    }
    expect(files.filter((file) => !/^package\/(bin|dist|data|docs)\/|^package\/(package\.json|README\.md|LICENSE)$/.test(file))).toEqual([]);
  });

  // npm installs depwarden's runtime dependencies: on a loaded machine (another test file runs beside) a minute is short.
  it('installs and runs `depwarden check` on a fixture', () => {
    const install = npm(['install', '--save-dev', '--ignore-scripts', tarball]);
    expect(install.status, install.stderr).toBe(0);
    const run = spawnSync(
      join(app, 'node_modules', '.bin', 'depwarden'),
      ['check', join(FIXTURES, 'npm-v3'), '--registry', 'https://registry.example.test/', '--offline'],
      {
        cwd: app,
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          HOME: home,
          npm_config_cache: registry.cache,
          npm_config_userconfig: join(work, 'no-user-npmrc'),
          npm_config_globalconfig: join(work, 'no-global-npmrc'),
        },
      },
    );
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.stdout).toContain('depwarden: checked 4 packages in package-lock.json (npm-lockfile-v3)');
    expect(npm(['exec', '--no', '--', 'depwarden', '--version']).stdout).toBe(`${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}\n`);
  }, 180_000);

  it('`depwarden init`, then `npm run deps:check`, in that project', () => {
    expect(existsSync(join(app, 'node_modules', '.bin', 'depwarden'))).toBe(true);
    const init = npm(['exec', '--no', '--', 'depwarden', 'init']);
    expect(init.status, init.stderr).toBe(0);
    expect(init.stdout).toContain('depwarden init: package.json: depwarden already declared');
    expect(init.stdout).toContain('- run: npx --no-install depwarden ci');
    expect(readFileSync(join(app, '.npmrc'), 'utf8')).toBe('ignore-scripts=true\n');
    const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
    expect(manifest.scripts).toEqual({ 'deps:install': 'depwarden install', 'deps:ci': 'depwarden ci', 'deps:check': 'depwarden check' });

    const check = npm(['run', 'deps:check']);
    expect(check.stdout).toMatch(/depwarden: checked \d+ packages in package-lock.json \(npm-lockfile-v3\)/);
    expect({ status: check.status, stderr: check.stderr.replace(/^npm (warn|notice).*\n/gm, '') }).toEqual({ status: 0, stderr: '' });
  });

  it('`depwarden init` in a project that does not declare depwarden: nothing is taken by name from the registry, which holds one', () => {
    const other = join(work, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'package.json'), `${JSON.stringify({ name: 'other', version: '1.0.0', private: true }, null, 2)}\n`);
    expect(npm(['install', '--package-lock-only'], other).status).toBe(0);
    const lockBefore = readFileSync(join(other, 'package-lock.json'), 'utf8');
    const init = spawnSync(join(app, 'node_modules', '.bin', 'depwarden'), ['init'], {
      cwd: other,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        HOME: home,
        npm_config_cache: registry.cache,
        npm_config_userconfig: registry.npmrc,
        npm_config_globalconfig: join(work, 'no-global-npmrc'),
      },
    });
    expect(init.status, init.stderr).toBe(4);
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(init.stdout).toContain(`depwarden init: package.json: depwarden is not a devDependency: add it from a tarball you built`);
    expect(init.stdout).toContain(`npm install --save-dev --save-exact <path>/depwarden-${version}.tgz`);
    expect(JSON.parse(readFileSync(join(other, 'package.json'), 'utf8')).devDependencies).toBeUndefined();
    expect(readFileSync(join(other, 'package-lock.json'), 'utf8')).toBe(lockBefore);
    expect(existsSync(join(other, 'node_modules'))).toBe(false);
    const check = spawnSync(join(app, 'node_modules', '.bin', 'depwarden'), ['check'], {
      cwd: other,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: home, npm_config_cache: registry.cache, npm_config_userconfig: registry.npmrc },
    });
    expect(check.stdout).toMatch(/depwarden: checked \d+ packages in package-lock.json/);
    expect(check.status, check.stdout + check.stderr).toBe(0);
  });
});
