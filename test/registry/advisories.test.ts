import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daysSince, gatherAdvisories } from '../../src/registry/advisories.js';
import { RegistryClient } from '../../src/registry/client.js';
import { loadNpmSettings } from '../../src/registry/npm-config.js';
import { tempDir } from '../support/temp.js';
import { lockTree, registryEntry } from '../support/tree.js';

/** OSV's faults as the API source meets them, in this process: a stand-in OSV that answers 500, or pages without end. */
let server: Server;
let url: string;
let answer: 'down' | 'endless' | 'drip' = 'down';
const home = tempDir('advisories');

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (answer === 'drip') {
        // 200, then one space every 200 ms, never the end of the answer.
        response.writeHead(200, { 'content-type': 'application/json' });
        const drip = setInterval(() => response.write(' '), 200);
        response.on('close', () => clearInterval(drip));
        return;
      }
      response.writeHead(answer === 'down' ? 500 : 200, { 'content-type': 'application/json' });
      response.end(answer === 'down' ? '{}' : JSON.stringify({ results: [{ vulns: [{ id: 'GHSA-1' }], next_page_token: 'more' }] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

async function ask(configured: boolean, timeout = 5_000) {
  const env = {
    HOME: home,
    npm_config_cache: join(home, 'npm-cache'),
    npm_config_userconfig: '/nonexistent/user-npmrc',
    npm_config_globalconfig: '/nonexistent/global-npmrc',
  };
  const npm = await loadNpmSettings(home, env, 'https://registry.example.test/');
  const client = new RegistryClient({ npm, offline: false, timeout, concurrency: 2, retries: 0 });
  const tree = lockTree({ 'node_modules/dw-one': registryEntry('dw-one', '1.0.0') }, { dependencies: { 'dw-one': '^1' } });
  const facts = { byLocation: new Map(), asked: 0, offline: false };
  return gatherAdvisories(tree, facts, client, {
    source: { kind: 'api', url, configured },
    cacheDir: undefined,
    defaultRegistry: npm.registry,
    now: new Date(),
  });
}

describe('OSV API faults', () => {
  it('the public default down: a one-line notice saying what to set, and the packages unverified (not configured)', async () => {
    answer = 'down';
    const advisories = await ask(false);
    expect(advisories.configured).toBe(false);
    expect(advisories.note).toBe(
      'malware advisories: the public OSV API did not answer for 1 package (OSV answered HTTP 500); behind a firewall set --osv-url to a mirror, or check with --osv-data',
    );
    expect([...advisories.byLocation.values()]).toEqual([{ ok: false, cause: 'OSV answered HTTP 500' }]);
  });

  it('an answer that trickles on without end is unverified at the deadline (it held check for as long as it dripped)', async () => {
    answer = 'drip';
    const advisories = await ask(true, 1_500);
    expect([...advisories.byLocation.values()]).toEqual([{ ok: false, cause: 'OSV did not answer in time' }]);
  });

  it('a source the user named down: no notice (the finding says it), configured', async () => {
    answer = 'down';
    const advisories = await ask(true);
    expect(advisories).toMatchObject({ configured: true, note: undefined });
    expect([...advisories.byLocation.values()]).toEqual([{ ok: false, cause: 'OSV answered HTTP 500' }]);
  });

  it('an answer that pages without end is unverified after 20 pages', async () => {
    answer = 'endless';
    const advisories = await ask(true);
    expect([...advisories.byLocation.values()]).toEqual([{ ok: false, cause: "OSV's answer has more than 20 pages" }]);
  });
});

describe('daysSince', () => {
  it('says an age in whole days, in words', () => {
    const now = new Date('2026-12-02T12:00:00Z');
    expect(daysSince('2026-12-02T01:00:00Z', now)).toBe('less than a day');
    expect(daysSince('2026-12-01T06:00:00Z', now)).toBe('1 day');
    expect(daysSince('2026-11-20T12:00:00Z', now)).toBe('12 days');
    // A date after now (a clock off by a little) is no negative age.
    expect(daysSince('2026-12-03T00:00:00Z', now)).toBe('less than a day');
  });
});
