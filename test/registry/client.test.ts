import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../src/registry/client.js';
import { loadNpmSettings } from '../../src/registry/npm-config.js';
import { tempDir } from '../support/temp.js';

/** A registry that fails every packument request with 500, counting them, in this process. */
let server: Server;
let url: string;
const requests = new Map<string, number>();
const home = tempDir('client');

beforeAll(async () => {
  server = createServer((request, response) => {
    requests.set(request.url ?? '', (requests.get(request.url ?? '') ?? 0) + 1);
    response.writeHead(500, { 'content-type': 'application/json' });
    response.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('RegistryClient.packument on a failing registry', () => {
  it('asks once, with its retries, for a locked version npm’s cache does not hold (it asked twice: twice the wait)', async () => {
    const env = {
      HOME: home,
      npm_config_cache: join(home, 'npm-cache'),
      npm_config_userconfig: '/nonexistent/user-npmrc',
      npm_config_globalconfig: '/nonexistent/global-npmrc',
    };
    const npm = await loadNpmSettings(home, env, url);
    const client = new RegistryClient({ npm, offline: false, timeout: 5_000, concurrency: 2, retries: 2 });
    const answer = await client.packument('dw-fails', '1.0.0');
    expect(answer).toMatchObject({ ok: false, notFound: false });
    expect(requests.get('/dw-fails')).toBe(3);
  });
});
