import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { depwarden } from '../support/cli.js';
import { isolatedHome, runMain } from '../support/in-process.js';
import { BIN, FIXTURES } from '../support/paths.js';
import { REGISTRY } from '../support/tree.js';

/**
 * Inputs an attacker or a broken disk hands to `check`, each of which today's build got wrong: passed silently
 * (exit 0, "No findings"), crashed (exit 3) or hung. Tampered lockfiles must be reported as what npm will really
 * fetch; bad input must be exit 2 with one line naming the file and the key; nothing may hang.
 */
const home = isolatedHome();
const scratch = mkdtempSync(join(tmpdir(), 'depwarden-adversarial-'));
afterAll(() => {
  home.remove();
  rmSync(scratch, { recursive: true, force: true });
});

const ADVERSARIAL = join(FIXTURES, 'adversarial');
const checkArgs = (dir: string, extra: readonly string[] = []) => ['check', dir, '--format', 'json', '--offline', '--registry', REGISTRY, ...extra];

interface Reported {
  code: string;
  severity: string;
  location: string;
  path: string[];
}

function findingsOf(stdout: string): Reported[] {
  const report = JSON.parse(stdout) as { findings: { code: string; severity: string; package: { location: string }; path: string[] }[] };
  return report.findings.map((finding) => ({ code: finding.code, severity: finding.severity, location: finding.package.location, path: finding.path }));
}

describe('a registry range whose lockfile entry fetches something else is reported as what it is', () => {
  it.each([
    ['v3-registry-to-git-ssh', 'node_modules/dw-core', ['dw-core']],
    ['v3-registry-to-github-shorthand', 'node_modules/dw-core', ['dw-core']],
    ['v3-registry-to-file-tarball', 'node_modules/dw-core', ['dw-core']],
    ['v3-registry-to-folder', 'node_modules/dw-core', ['dw-core']],
    ['v3-registry-to-link', 'node_modules/dw-core', ['dw-core']],
    ['v3-transitive-to-file', 'node_modules/dw-util/node_modules/dw-core', ['dw-util', 'dw-core']],
    ['v2-registry-to-git-ssh', 'node_modules/dw-core', ['dw-core']],
    ['shrinkwrap-registry-to-link', 'node_modules/dw-core', ['dw-core']],
    ['v1-registry-to-git-ssh', 'node_modules/dw-core', ['dw-core']],
    ['v1-registry-to-github-shorthand', 'node_modules/dw-core', ['dw-core']],
    ['v1-registry-to-file-tarball', 'node_modules/dw-core', ['dw-core']],
    ['v1-registry-to-link', 'node_modules/dw-core', ['dw-core']],
  ])('%s: critical spec-resolution-mismatch with the chain', async (name, location, path) => {
    const run = await runMain(checkArgs(join(ADVERSARIAL, name)), home.env);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    expect(findingsOf(run.stdout)).toContainEqual({ code: 'spec-resolution-mismatch', severity: 'critical', location, path });
  });

  it('an invalid spec resolving to a tarball on another host: invalid-spec and foreign-registry', async () => {
    const run = await runMain(checkArgs(join(ADVERSARIAL, 'v3-invalid-spec-foreign')), home.env);
    expect(run.status).toBe(1);
    const found = findingsOf(run.stdout).filter((finding) => finding.location === 'node_modules/bee');
    expect(found.map(({ code, severity }) => `${code} ${severity}`).sort()).toEqual(['foreign-registry high', 'invalid-spec high']);
    expect(found[0]!.path).toEqual(['dw-util', 'bee']);
  });

  it('node_modules: a registry range installed as a symlink to a folder outside the project', async () => {
    const project = join(scratch, 'nm-link');
    cpSync(join(FIXTURES, 'node-modules'), project, { recursive: true });
    mkdirSync(join(scratch, 'outside'));
    writeFileSync(join(scratch, 'outside', 'package.json'), '{"name":"dw-core","version":"2.0.0"}');
    rmSync(join(project, 'node_modules', 'dw-core'), { recursive: true });
    symlinkSync(join(scratch, 'outside'), join(project, 'node_modules', 'dw-core'));
    const run = await runMain(checkArgs(project, ['--node-modules']), home.env);
    expect(run.status).toBe(1);
    expect(findingsOf(run.stdout)).toContainEqual({
      code: 'spec-resolution-mismatch',
      severity: 'critical',
      location: 'node_modules/dw-core',
      path: ['dw-core'],
    });
  });
});

describe('bad input is exit 2 with one line naming the file and the key path, never exit 3', () => {
  it.each([
    ['v1-resolved-number', /^depwarden: package-lock\.json: "dependencies"\["dw-core"\]\.resolved must be a string, found a number$/],
    ['v1-integrity-number', /^depwarden: package-lock\.json: "dependencies"\["dw-core"\]\.integrity must be a string, found a number$/],
    ['v1-requires-false', /^depwarden: package-lock\.json: "dependencies"\["dw-util"\]\.requires\["dw-core"\] must be a string, found a boolean$/],
    ['v1-requires-null', /^depwarden: package-lock\.json: "dependencies"\["dw-util"\]\.requires\["dw-core"\] must be a string, found null$/],
    ['v1-null-entry', /^depwarden: package-lock\.json: "dependencies"\["dw-dev"\] must be an object, found null$/],
    ['v1-missing-link-target', /^depwarden: package-lock\.json: npm cannot load it: Missing target in lock file: "\.\.\/x"/],
    ['v1-lone-surrogate', /^depwarden: package-lock\.json: "dependencies" names a package "dw-dev\\u\{d800\}" that is not valid Unicode \(a lone surrogate\)$/],
    [
      'v3-lone-surrogate',
      /^depwarden: package-lock\.json: "packages"\["node_modules\/dw-util"\]\.dependencies names a package "dw-core\\u\{dc00\}" that is not valid Unicode/,
    ],
    ['nm-nonstring-spec', /^depwarden: node_modules\/dw-util\/package\.json: "dependencies"\["dw-core"\] must be a string, found a number$/],
  ])('%s', async (name, message) => {
    const run = await runMain(checkArgs(join(ADVERSARIAL, name), name.startsWith('nm-') ? ['--node-modules'] : []), home.env);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr.trimEnd()).toMatch(message);
  });

  it('v1 nesting deeper than npm can install is refused without recursion (30,000 levels)', async () => {
    const project = join(scratch, 'v1-deep');
    mkdirSync(project);
    cpSync(join(FIXTURES, 'npm-v1', 'package.json'), join(project, 'package.json'));
    const depth = 30_000;
    const entry = '"dw-x":{"version":"1.0.0","requires":{"dw-x":"1.0.0"},"dependencies":{';
    const lock = `{"name":"basic-app","version":"1.0.0","lockfileVersion":1,"requires":true,"dependencies":{${entry.repeat(depth)}${'}}'.repeat(depth)}}}`;
    writeFileSync(join(project, 'package-lock.json'), lock);
    const run = await runMain(checkArgs(project), home.env);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      'depwarden: package-lock.json: "dependencies"["dw-x"] nests "dependencies" more than 1000 levels deep, deeper than npm can install\n',
    );
  });

  it('a byte order mark is read as npm reads it: dropped', async () => {
    const run = await runMain(checkArgs(join(ADVERSARIAL, 'v3-bom')), home.env);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(findingsOf(run.stdout)).toEqual([]);
  });
});

describe('--node-modules: what cannot be read is a finding, not a package counted as checked', () => {
  it('a package.json that is not JSON, or a folder', async () => {
    const project = join(scratch, 'nm-unreadable');
    cpSync(join(ADVERSARIAL, 'nm-invalid-manifest'), project, { recursive: true });
    const manifest = join(project, 'node_modules', 'dw-core', 'package.json');
    unlinkSync(manifest);
    mkdirSync(manifest);
    const run = await runMain(checkArgs(project, ['--node-modules']), home.env);
    expect(run.status).toBe(1);
    const found = findingsOf(run.stdout).filter((finding) => finding.code === 'unreadable-package');
    expect(found.map(({ location, severity }) => `${location} ${severity}`).sort()).toEqual(['node_modules/dw-core high', 'node_modules/dw-dev high']);
    rmdirSync(manifest);
  });

  it('node_modules that is a file is exit 2', async () => {
    const project = join(scratch, 'nm-file');
    mkdirSync(project);
    cpSync(join(FIXTURES, 'node-modules', 'package.json'), join(project, 'package.json'));
    writeFileSync(join(project, 'node_modules'), 'not a folder');
    const run = await runMain(checkArgs(project, ['--node-modules']), home.env);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('depwarden: node_modules: is not a folder but a file\n');
  });
});

describe('one-line errors stay one short line', () => {
  it('a 200,000-character name npm would refuse: exit 2, the name shortened with how much was cut', async () => {
    const dir = join(scratch, 'long-name');
    cpSync(join(FIXTURES, 'npm-v3'), dir, { recursive: true });
    const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
    const name = `${'a'.repeat(200_000)} x`;
    lock.packages[`node_modules/${name}`] = lock.packages['node_modules/dw-core'];
    delete lock.packages['node_modules/dw-core'];
    writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lock));
    const run = await runMain(checkArgs(dir), home.env);
    expect(run.status).toBe(2);
    expect(run.stderr.length).toBeLessThan(1_200);
    expect(run.stderr).toBe(
      `depwarden: package-lock.json: "packages"["node_modules/${'a'.repeat(275)}…(199,575 characters cut)…${'a'.repeat(150)} x"] names a package "${'a'.repeat(299)}…(199,551 characters cut)…${'a'.repeat(150)} x" that npm would refuse (name can only contain URL-friendly characters)\n`,
    );
  });
});

/** Through the built CLI with a kill timer: a hang fails the test instead of blocking the suite. */
describe('nothing hangs: FIFOs, devices, symlink loops and huge files end in seconds', () => {
  const HANG = 20_000;
  const project = (name: string): string => {
    const dir = join(scratch, name);
    mkdirSync(dir);
    cpSync(join(FIXTURES, 'npm-v3', 'package.json'), join(dir, 'package.json'));
    return dir;
  };
  const expectExit2 = (dir: string, message: string, extra: readonly string[] = []) => {
    const run = depwarden(checkArgs(dir, extra), { env: home.env, timeout: HANG });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`depwarden: ${message}\n`);
  };

  it('a lockfile that is a FIFO, or a symlink to one', () => {
    const fifo = project('fifo');
    execFileSync('mkfifo', [join(fifo, 'package-lock.json')]);
    expectExit2(fifo, 'package-lock.json: is not a regular file but a FIFO (named pipe)');
    const viaLink = project('fifo-link');
    execFileSync('mkfifo', [join(viaLink, 'pipe')]);
    symlinkSync('pipe', join(viaLink, 'package-lock.json'));
    expectExit2(viaLink, 'package-lock.json: is not a regular file but a FIFO (named pipe)');
  });

  it('a lockfile that is a device, or a symlink loop', () => {
    const device = project('device');
    symlinkSync('/dev/zero', join(device, 'package-lock.json'));
    expectExit2(device, 'package-lock.json: is not a regular file but a character device');
    const loop = project('loop');
    symlinkSync('a', join(loop, 'package-lock.json'));
    symlinkSync('package-lock.json', join(loop, 'a'));
    expectExit2(loop, 'package-lock.json: is a symlink loop');
  });

  it("lockfile v1: a linked folder whose package.json is a FIFO (npm's loader would read it)", () => {
    const dir = join(scratch, 'v1-link-fifo');
    cpSync(join(ADVERSARIAL, 'v1-registry-to-link'), dir, { recursive: true });
    writeFileSync(join(dir, 'package-lock.json'), readFileSync(join(dir, 'package-lock.json'), 'utf8').replace('file:../outside', 'file:outside'));
    mkdirSync(join(dir, 'outside'));
    execFileSync('mkfifo', [join(dir, 'outside', 'package.json')]);
    expectExit2(dir, 'outside/package.json: is not a regular file but a FIFO (named pipe)');
  });

  it('a lockfile over the size limit (a sparse file: no disk used)', () => {
    const huge = project('huge');
    writeFileSync(join(huge, 'package-lock.json'), '');
    truncateSync(join(huge, 'package-lock.json'), 300 * 1024 * 1024);
    expectExit2(huge, 'package-lock.json: is 300 MiB; depwarden reads files up to 256 MiB');
  });

  it('config files: a .depwardenrc.json, a committed .npmrc -> /dev/stdin, a .yarnrc.yml, an MCP config that is a FIFO', () => {
    const rc = project('rc-fifo');
    cpSync(join(FIXTURES, 'npm-v3', 'package-lock.json'), join(rc, 'package-lock.json'));
    execFileSync('mkfifo', [join(rc, '.depwardenrc.json')]);
    expectExit2(rc, '.depwardenrc.json: is not a regular file but a FIFO (named pipe)');
    const npmrc = project('npmrc-stdin');
    cpSync(join(FIXTURES, 'npm-v3', 'package-lock.json'), join(npmrc, 'package-lock.json'));
    symlinkSync('/dev/stdin', join(npmrc, '.npmrc'));
    // A pipe no one writes to as stdin: read, it would wait until the kill timer.
    const run = spawnSync(process.execPath, [BIN, ...checkArgs(npmrc)], { env: home.env, stdio: ['pipe', 'pipe', 'pipe'], timeout: HANG, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^depwarden: \.npmrc: is not a regular file but a (FIFO \(named pipe\)|socket)\n$/);
    const yarnrc = project('yarnrc-fifo');
    writeFileSync(join(yarnrc, 'yarn.lock'), '');
    execFileSync('mkfifo', [join(yarnrc, '.yarnrc.yml')]);
    const install = depwarden(['install', '--dry-run'], { cwd: yarnrc, env: home.env, timeout: HANG });
    expect(install.status).toBe(2);
    expect(install.stderr).toBe('depwarden: .yarnrc.yml: is not a regular file but a FIFO (named pipe)\n');
    const mcp = project('mcp-fifo');
    execFileSync('mkfifo', [join(mcp, '.mcp.json')]);
    const found = depwarden(['mcp'], { cwd: mcp, env: home.env, timeout: HANG });
    expect(found.status).toBe(2);
    expect(found.stderr).toContain('depwarden: .mcp.json: is not a regular file but a FIFO (named pipe)\n');
  });

  it('node_modules: a symlink loop, and a package.json that is a FIFO', () => {
    const loop = join(scratch, 'nm-loop');
    cpSync(join(FIXTURES, 'node-modules'), loop, { recursive: true });
    symlinkSync('b', join(loop, 'node_modules', 'a'));
    symlinkSync('a', join(loop, 'node_modules', 'b'));
    expectExit2(loop, 'node_modules/a: is a symlink loop', ['--node-modules']);
    const fifo = join(scratch, 'nm-fifo');
    cpSync(join(FIXTURES, 'node-modules'), fifo, { recursive: true });
    unlinkSync(join(fifo, 'node_modules', 'dw-dev', 'package.json'));
    execFileSync('mkfifo', [join(fifo, 'node_modules', 'dw-dev', 'package.json')]);
    expectExit2(fifo, 'node_modules/dw-dev/package.json: is not a regular file but a FIFO (named pipe)', ['--node-modules']);
  });
});
