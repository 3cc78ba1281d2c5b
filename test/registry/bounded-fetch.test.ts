import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pacote from 'pacote';
import { updateSavedData } from '../../src/registry/advisories.js';
import { BoundedFetchError, extractBoundedTarball, type Bounds } from '../../src/registry/bounded-fetch.js';
import { RegistryClient } from '../../src/registry/client.js';
import { loadNpmSettings } from '../../src/registry/npm-config.js';
import { depwardenInProcess } from '../support/cli.js';
import { tempDir } from '../support/temp.js';

// pacote's own tar, as the bounded extraction uses it.
const tar = createRequire(createRequire(import.meta.url).resolve('pacote'))('tar') as {
  c(options: Record<string, unknown>, files: string[]): void;
  x: unknown;
};

/** A stand-in registry in this process: a packument that never ends, and one far past the client's size cap. */
let server: Server;
// A tarball of 4 KiB that unpacks to 16 times the cap: one file of zeros.
const BOMB = (() => {
  const source = tempDir('bounded-fetch-bomb');
  mkdirSync(join(source, 'package'));
  writeFileSync(join(source, 'package', 'package.json'), '{"name":"dw-bomb","version":"1.0.0"}');
  writeFileSync(join(source, 'package', 'zeros.bin'), Buffer.alloc(16 * 64 * 1024));
  tar.c({ cwd: source, file: join(source, 'bomb.tgz'), gzip: true, sync: true }, ['package']);
  return readFileSync(join(source, 'bomb.tgz'));
})();
let url: string;
const home = tempDir('bounded-fetch');
const CAP = 64 * 1024;

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/dw-drip' || request.url === '/-/npm/v1/keys') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"name":');
      const drip = setInterval(() => response.write(' '), 200);
      response.on('close', () => clearInterval(drip));
      return;
    }
    if (request.url === '/dw-huge') {
      // No Content-Length (chunked): only counting the bytes as they come can stop it.
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"name":"dw-huge","readme":"');
      let sent = 0;
      const more = (): void => {
        while (sent < 16 * CAP) {
          sent += 4096;
          if (!response.write('x'.repeat(4096))) return void response.once('drain', more);
        }
        response.end('"}');
      };
      more();
      return;
    }
    if (request.url === '/giant.zip') {
      // Announced at 2 GiB: refused on its Content-Length, before a byte of it is read.
      response.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(2 * 1024 ** 3) });
      response.write('PK');
      return;
    }
    if (request.url === '/dw-bomb.tgz') return void response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(BOMB);
    if (request.url?.startsWith('/silent/')) return; // never answers
    response.writeHead(404).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

async function client(cache: string, timeout: number): Promise<RegistryClient> {
  const env = {
    HOME: home,
    npm_config_cache: join(home, cache),
    npm_config_userconfig: '/nonexistent/user-npmrc',
    npm_config_globalconfig: '/nonexistent/global-npmrc',
  };
  const npm = await loadNpmSettings(home, env, url);
  return new RegistryClient({ npm, offline: false, timeout, concurrency: 2, retries: 2, maxBytes: CAP });
}

describe('RegistryClient: a total deadline and a size cap on every answer', () => {
  it('a packument that trickles on forever is a timeout fault at the deadline (it held check for 400 s and more)', async () => {
    const started = Date.now();
    const answer = await (await client('cache-drip', 1_500)).packument('dw-drip');
    expect(answer).toEqual({ ok: false, notFound: false, cause: 'the registry did not answer in time' });
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('a body past the cap without a Content-Length is a fault, and none of it stays in npm’s cache', async () => {
    const answer = await (await client('cache-huge', 30_000)).packument('dw-huge');
    expect(answer).toEqual({ ok: false, notFound: false, cause: 'the registry sent too much: the answer is larger than 65536 bytes' });
    // What arrived before the request was cut stays in cacache's tmp folder; nothing is stored under a key.
    expect(existsSync(join(home, 'cache-huge', '_cacache', 'index-v5'))).toBe(false);
    expect(existsSync(join(home, 'cache-huge', '_cacache', 'content-v2'))).toBe(false);
  });

  it('the signing keys of a registry that trickles on are unknown, not a hang', async () => {
    const keys = await (await client('cache-keys', 1_500)).registryKeys(url);
    expect(keys).toEqual({ state: 'unknown', offline: false, cause: 'its signing keys could not be read: the registry did not answer in time' });
  });
});

describe('tarballs and the OSV export: a deadline and a size cap on each download', () => {
  const bounds = (timeout: number, maxBytes: number, maxUnpacked = 1024 ** 3) => ({ timeout, maxBytes, maxUnpacked });
  const extract = async (path: string, limits: ReturnType<typeof bounds>) => {
    const dir = tempDir('bounded-tarball');
    const options = (await client('cache-tarball', limits.timeout)).fetchOptions;
    await extractBoundedTarball(pacote.tarball.stream as never, tar.x as never, `${url}${path}`, dir, options, limits);
    return dir;
  };

  it('a tarball past the download cap, one that unpacks past its cap, and one that never ends are each refused by name', async () => {
    await expect(extract('dw-huge', bounds(30_000, CAP))).rejects.toThrow(new BoundedFetchError('the tarball is larger than 65536 bytes', 'ETOOLARGE'));
    await expect(extract('dw-bomb.tgz', bounds(30_000, CAP, CAP))).rejects.toThrow('the tarball unpacks to more than 65536 bytes');
    await expect(extract('dw-drip', bounds(1_500, CAP))).rejects.toThrow('timeout: no complete tarball within 1500 ms');
    // Within the caps it unpacks as pacote.extract does (the package/ folder stripped).
    expect(readFileSync(join(await extract('dw-bomb.tgz', bounds(30_000, CAP)), 'package.json'), 'utf8')).toContain('dw-bomb');
  });

  it('depwarden data update: an export past the cap, or one that trickles on, is a clear error and keeps nothing', async () => {
    const dir = tempDir('bounded-export');
    const update = async (path: string, limits: Bounds) =>
      updateSavedData(await client('cache-export', limits.timeout), { url: `${url}${path}`, dir, now: new Date(), bounds: limits });
    await expect(update('dw-huge', { timeout: 30_000, maxBytes: CAP })).rejects.toThrow('the answer is larger than 65536 bytes');
    await expect(update('dw-drip', { timeout: 1_500, maxBytes: CAP })).rejects.toThrow('timeout: no complete answer within 1500 ms');
    expect(readdirSync(dir)).toEqual([]);
    // The CLI with its own bounds: a Content-Length past 1 GiB is refused before its body is read.
    const run = await depwardenInProcess(['data', 'update', '--osv-export', `${url}giant.zip`], {
      cwd: home,
      env: { HOME: home, npm_config_cache: join(home, 'cache-giant'), npm_config_offline: 'false' },
    });
    expect(run).toMatchObject({
      status: 2,
      stderr: 'depwarden: the OSV export could not be downloaded (the answer is larger than 1024 MiB); the saved data, if any, was kept\n',
    });
  });
});

describe('install against a registry that never answers', () => {
  it('the gate refuses at once: the names asked for could not be checked (fail closed), and nothing is installed', async () => {
    const project = join(home, 'project-refused');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0' }));
    const run = await depwardenInProcess(['install', 'dw-ok', '--registry', `${url}silent/`, '--timeout', '2000'], {
      cwd: project,
      env: { HOME: home, npm_config_cache: join(home, 'cache-refused'), npm_config_offline: 'false' },
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('not checked against the registry: the registry did not answer in time');
    expect(existsSync(join(project, 'node_modules'))).toBe(false);
  }, 120_000);

  it('--timeout reaches the ideal tree: a one-line error in seconds (it ran 200 s and more on npm’s own five minutes)', async () => {
    const project = join(home, 'project');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0' }));
    const started = Date.now();
    // --fail-on critical: the names asked for, unverified at high, would stop the gate before npm works out the tree.
    const run = await depwardenInProcess(['install', 'dw-ok', '--registry', `${url}silent/`, '--timeout', '2000', '--fail-on', 'critical'], {
      cwd: project,
      env: { HOME: home, npm_config_cache: join(home, 'cache-install'), npm_config_offline: 'false' },
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^depwarden: npm could not work out what to install \([^)]*\): .*\n$/);
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 120_000);
});
