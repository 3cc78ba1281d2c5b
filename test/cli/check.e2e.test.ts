import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { depwarden } from '../support/cli.js';
import { FIXTURES } from '../support/paths.js';
import { REGISTRY } from '../support/tree.js';

const fixture = (name: string) => join(FIXTURES, name);
const REG = ['--registry', REGISTRY, '--offline'];

describe('depwarden check (built CLI)', () => {
  it('exit 0 and "No findings." on a clean lockfile', () => {
    const run = depwarden(['check', fixture('npm-v3'), ...REG]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('depwarden: checked 4 packages in package-lock.json (npm-lockfile-v3)');
    expect(run.stdout).toContain('No findings.');
    expect(run.stderr).toBe('');
  });

  it('exit 1 on findings at or above the failing severity, with the chain to the offender', () => {
    const run = depwarden(['check', fixture('risky/app'), ...REG]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('via: (root) > dw-middle > dw-phantom > dw-payload');
    expect(run.stdout).toMatch(/3 at or above high: failing\.\n$/);
  });

  it('--fail-on moves the threshold', () => {
    expect(depwarden(['check', fixture('tampered-v1'), ...REG]).status).toBe(1);
    expect(depwarden(['check', fixture('tampered-v1'), ...REG, '--fail-on', 'critical']).status).toBe(0);
    expect(depwarden(['check', fixture('npm-v3'), ...REG, '--fail-on', 'info']).status).toBe(0);
  });

  it('checks lockfile v1, shrinkwrap, workspaces and node_modules', () => {
    for (const args of [['npm-v1'], ['shrinkwrap'], ['workspaces'], ['node-modules', '--node-modules']]) {
      const run = depwarden(['check', fixture(args[0]!), ...args.slice(1), ...REG]);
      expect({ args, status: run.status, stderr: run.stderr }).toEqual({ args, status: 0, stderr: '' });
    }
  });

  it('--format json and sarif print parsable reports of the same findings', () => {
    const json = depwarden(['check', fixture('tampered-v3'), ...REG, '--format', 'json']);
    const sarif = depwarden(['check', fixture('tampered-v3'), ...REG, '--format', 'sarif']);
    expect([json.status, sarif.status]).toEqual([1, 1]);
    const findings = JSON.parse(json.stdout).findings.map((f: { rule: string; package: { location: string } }) => `${f.rule} ${f.package.location}`);
    expect(findings).toEqual([
      'resolved-mismatch node_modules/dw-core',
      'missing-integrity node_modules/dw-dev',
      'weak-integrity node_modules/dw-util',
    ]);
    const results = JSON.parse(sarif.stdout).runs[0].results.map((r: { ruleId: string; locations: { logicalLocations: { fullyQualifiedName: string }[] }[] }) => `${r.ruleId} ${r.locations[0]!.logicalLocations[0]!.fullyQualifiedName}`);
    expect(results).toEqual(findings);
  });

  it('takes the registry from npm configuration: env, or the project .npmrc', () => {
    // Without any configuration npm's default (public) registry applies: the fixture's placeholder host is
    // foreign, and its private package names are unknown to the public name record.
    const unconfigured = depwarden(['check', fixture('npm-v3'), '--format', 'json']);
    expect(JSON.parse(unconfigured.stdout).findings.map((f: { rule: string; package: { name: string } }) => `${f.rule} ${f.package.name}`)).toEqual([
      'foreign-registry dw-core',
      'foreign-registry dw-dev',
      'foreign-registry dw-util',
      'foreign-registry dw-core',
      'unregistered-name dw-core',
      'unregistered-name dw-dev',
      'unregistered-name dw-util',
    ]);
    expect(depwarden(['check', fixture('npm-v3')], { env: { npm_config_registry: REGISTRY } }).status).toBe(0);
    const project = mkdtempSync(join(tmpdir(), 'depwarden-npmrc-'));
    cpSync(fixture('npm-v3'), project, { recursive: true });
    writeFileSync(join(project, '.npmrc'), `registry=${REGISTRY}\n`);
    expect(depwarden(['check', project]).stdout).toContain('No findings.');
  });

  it('applies the policy file: allowlist with reasons, stale entries as hints, --strict', () => {
    const allowed = depwarden(['check', fixture('risky/app'), ...REG, '--config', fixture('policies/allow-risky.json')]);
    expect(allowed.status).toBe(0);
    expect(allowed.stdout).toContain('2 findings (1 medium, 1 low, 3 allowed by policy); none at or above high.');
    const stale = depwarden(['check', fixture('npm-v3'), ...REG, '--config', fixture('policies/stale-entry.json')]);
    expect(stale.status).toBe(0);
    expect(stale.stdout).toContain('hint: policy allow[0] (never-installed, git-dependency) matched nothing');
    expect(depwarden(['check', fixture('npm-v3'), ...REG, '--config', fixture('policies/stale-entry.json'), '--strict']).status).toBe(1);
  });

  it('escapes package text so it cannot drive the terminal', () => {
    const run = depwarden(['check', fixture('hostile-text'), ...REG]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('http://x.example.test/\\x1b[2J\\x9b31m.tgz');
    expect(run.stdout).not.toMatch(/[\u001b\u009b]/);
    const json = depwarden(['check', fixture('hostile-text'), ...REG, '--format', 'json']).stdout;
    expect(json).not.toMatch(/[\u001b\u009b]/);
    expect(JSON.parse(json).findings[0].details.url).toBe('http://x.example.test/\u001b[2J\u009b31m.tgz');
  });

  it('exit 2 with one line naming the file, no stack trace, for bad input', () => {
    for (const [name, message] of [
      ['truncated', 'depwarden: package-lock.json: is not valid JSON ('],
      ['unknown-version', 'depwarden: package-lock.json: has lockfileVersion 99; depwarden reads versions 1, 2 and 3'],
      ['out-of-sync', 'depwarden: package-lock.json: is out of sync with package.json'],
      ['hostile-name', 'depwarden: package-lock.json: "packages"["node_modules/\\x1b]8;;http://evil\\x07x"] is not a usable path'],
    ] as const) {
      const run = depwarden(['check', fixture(`bad/${name}`), ...REG]);
      expect({ name, status: run.status, stdout: run.stdout }).toEqual({ name, status: 2, stdout: '' });
      expect(run.stderr.startsWith(message)).toBe(true);
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
  });

  it('exit 2 for usage and config errors, with the likely intent', () => {
    const cases: [string[], string][] = [
      [['check', '--fromat', 'json'], 'depwarden: unknown option --fromat; did you mean --format?\n'],
      [['check', '--format', 'xml'], 'depwarden: --format must be one of text, json, sarif, markdown, github; found "xml"\n'],
      [['check', '--fail-on', 'error'], 'depwarden: --fail-on must be one of critical, high, medium, low, info; found "error"\n'],
      [['chek'], 'depwarden: unknown command "chek"; did you mean "check"? Run \'depwarden --help\' for the list\n'],
      [['check', fixture('npm-v3'), '--config', fixture('policies/bad-key.json')], `depwarden: ${fixture('policies/bad-key.json')}: rule is not a known key; did you mean "rules"?\n`],
      [['check', 'a', 'b'], 'depwarden: check takes one project folder; found 2\n'],
    ];
    for (const [args, stderr] of cases) {
      expect({ args, ...depwarden(args) }).toEqual({ args, status: 2, stdout: '', stderr });
    }
  });

  it('--help and --version exit 0; no command is a usage error', () => {
    expect(depwarden(['check', '--help'])).toMatchObject({ status: 0, stdout: expect.stringContaining('Usage: depwarden check [dir]') });
    expect(depwarden(['--version']).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(depwarden([])).toMatchObject({ status: 2, stdout: expect.stringContaining('Commands:') });
  });

  it('never writes to the project', () => {
    const snapshot = (dir: string): string[] =>
      readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .sort()
        .map((path) => {
          const full = join(dir, path);
          const stat = statSync(full);
          return stat.isDirectory() ? path : `${path} ${stat.mtimeMs} ${readFileSync(full, 'utf8').length}`;
        });
    const dir = fixture('node-modules');
    const before = snapshot(dir);
    depwarden(['check', dir, ...REG]);
    depwarden(['check', dir, '--node-modules', ...REG, '--format', 'sarif']);
    expect(snapshot(dir)).toEqual(before);
  });
});
