import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../src/registry/client.js';
import { loadNpmSettings } from '../../src/registry/npm-config.js';
import { depwardenInProcess } from '../support/cli.js';
import { tempDir } from '../support/temp.js';

/** A stand-in registry in this process: a packument that never ends, and one far past the client's size cap. */
let server: Server;
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

describe('install against a registry that never answers', () => {
  it('--timeout reaches the ideal tree: a one-line error in seconds (it ran 200 s and more on npm’s own five minutes)', async () => {
    const project = join(home, 'project');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0' }));
    const started = Date.now();
    const run = await depwardenInProcess(['install', 'dw-ok', '--registry', `${url}silent/`, '--timeout', '2000'], {
      cwd: project,
      env: { HOME: home, npm_config_cache: join(home, 'cache-install'), npm_config_offline: 'false' },
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^depwarden: npm could not work out what to install \([^)]*\): .*\n$/);
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 120_000);
});
