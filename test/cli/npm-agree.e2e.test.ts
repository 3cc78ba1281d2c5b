import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { depwardenInProcess as depwarden } from '../support/cli.js';
import { FIXTURES } from '../support/paths.js';
import { tempDir } from '../support/temp.js';
import { REGISTRY } from '../support/tree.js';

/**
 * The npm-agree corpus (test/fixtures/npm-agree, issue #19): for each case, what the real npm does with the same
 * folder, and what depwarden says. npm's arborist test fixtures are not published (its tarball holds lib/ and
 * bin/ only), so the cases are hand-made in the shapes of those fixtures.
 */

type NpmVerdict = 'in sync' | 'out of sync';

interface NpmRun {
  verdict: NpmVerdict;
  /** What `npm ci --dry-run` would add, as it prints it ("add abbrev 1.1.1"). */
  added: string[];
  output: string;
}

/**
 * `npm ci --dry-run --offline` on a copy, with its own empty cache and HOME. npm ci builds its ideal tree from the
 * lockfile and refuses (EUSAGE) when it differs. Offline with nothing cached, a lockfile in sync needs no registry
 * at all; when npm asks the registry for a packument (ENOTCACHED on `<registry>/<name>`), the lockfile did not
 * cover package.json and npm went to resolve the rest: out of sync too (online it ends in the same EUSAGE).
 */
function npmCi(name: string): NpmRun {
  let run = npmRuns.get(name);
  if (!run) npmRuns.set(name, (run = npmCiOnce(name)));
  return run;
}

/** npm's verdict on a case does not change within a run: each case is asked once, however many tests read it. */
const npmRuns = new Map<string, NpmRun>();

function npmCiOnce(name: string): NpmRun {
  const dir = join(tempDir('npm-agree'), name);
  cpSync(join(FIXTURES, 'npm-agree', name), dir, { recursive: true, verbatimSymlinks: true });
  const home = join(dir, '..', 'home');
  mkdirSync(home);
  writeFileSync(join(home, 'npmrc'), `registry=${REGISTRY}\n`);
  const run = spawnSync('npm', ['ci', '--dry-run', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: dir,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      HOME: home,
      npm_config_userconfig: join(home, 'npmrc'),
      npm_config_globalconfig: join(home, 'global-npmrc'),
      npm_config_cache: join(home, 'cache'),
      npm_config_update_notifier: 'false',
    },
  });
  const output = `${run.stdout}\n${run.stderr}`;
  const refused = /can only install packages when your package\.json and package-lock\.json/.test(output);
  const resolvedAnew = new RegExp(`ENOTCACHED[\\s\\S]*request to ${REGISTRY.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}[^/\\s]+ failed`).test(output);
  if (run.status !== 0 && !refused && !resolvedAnew) throw new Error(`npm ci failed before its sync decision:\n${output}`);
  const added = [...run.stdout.matchAll(/^add (\S+ \S+)$/gm)].map((match) => match[1]!);
  return { verdict: run.status === 0 ? 'in sync' : 'out of sync', added, output };
}

interface Finding {
  ruleId: string;
  severity: string;
  location: string;
}

/** depwarden's `main` in-process: what is compared with npm is the verdict, not the launcher (check.e2e tests it spawned). */
async function check(name: string, extra: string[] = []): Promise<{ status: number | null; findings: Finding[] }> {
  const run = await depwarden(['check', join(FIXTURES, 'npm-agree', name), '--registry', REGISTRY, '--offline', '--format', 'json', ...extra]);
  const report = JSON.parse(run.stdout) as { findings: { rule: string; severity: string; package: { location: string } }[] };
  return {
    status: run.status,
    findings: report.findings.map((finding) => ({ ruleId: finding.rule, severity: finding.severity, location: finding.package.location })),
  };
}

const syncVerdict = (findings: Finding[]): NpmVerdict => (findings.some((finding) => finding.ruleId === 'lockfile-out-of-sync') ? 'out of sync' : 'in sync');

describe('depwarden agrees with npm ci on what npm installs', () => {
  it.each(['range-recorded-narrower', 'removed-still-locked', 'extraneous-entry', 'sha1-integrity', 'git-ssh-registry-host', 'v1-bundled-deps'])(
    '%s: npm ci calls it in sync, and so does depwarden',
    async (name) => {
      const npm = npmCi(name);
      expect(npm.verdict).toBe('in sync');
      expect(syncVerdict((await check(name)).findings)).toBe(npm.verdict);
    },
  );

  it('a workspace package.json lists but the lockfile lacks: both say out of sync, and its dependencies are still judged', async () => {
    const npm = npmCi('workspace-not-locked');
    expect(npm.verdict).toBe('out of sync');
    const { status, findings } = await check('workspace-not-locked');
    expect(syncVerdict(findings)).toBe('out of sync');
    expect(status).toBe(1);
    expect(findings).toContainEqual({ ruleId: 'url-dependency', severity: 'high', location: 'packages/app/node_modules/payload' });
    expect(findings).toContainEqual(expect.objectContaining({ ruleId: 'near-miss-name', location: 'packages/app/node_modules/expres' }));
    // Nothing is locked for them yet: no tarball to pin, so no missing-integrity.
    expect(findings.filter((finding) => finding.ruleId === 'missing-integrity')).toEqual([]);
  });

  it.each(['override-transitive-unsatisfied', 'override-nested-unsatisfied'])(
    '%s: package.json overrides the locked wrappy 1.0.2 to 2.0.0: npm ci refuses it, depwarden reports it and `depwarden ci` refuses it',
    async (name) => {
      const npm = npmCi(name);
      expect(npm.verdict).toBe('out of sync');
      const { findings } = await check(name);
      expect(findings).toEqual([{ ruleId: 'lockfile-out-of-sync', severity: 'medium', location: '' }]);
      const project = join(tempDir('npm-agree-ci'), name);
      cpSync(join(FIXTURES, 'npm-agree', name), project, { recursive: true });
      const ci = await depwarden(['ci', '--registry', REGISTRY, '--offline'], { cwd: project });
      expect(ci).toEqual({
        status: 2,
        stdout: '',
        stderr:
          'depwarden: package-lock.json: is out of sync with package.json "overrides": "wrappy" wants "2.0.0" but 1.0.2 is locked; run `npm install` to update it\n',
      });
    },
  );

  it.each(['override-transitive-satisfied', 'override-reference'])(
    '%s: overrides the lockfile already satisfies: npm ci and depwarden call it in sync',
    async (name) => {
      const npm = npmCi(name);
      expect(npm.verdict).toBe('in sync');
      expect(syncVerdict((await check(name)).findings)).toBe('in sync');
    },
  );

  it('a dependency of a locked package with no entry of its own: npm ci would resolve it anew, so both say out of sync', async () => {
    const npm = npmCi('transitive-not-locked');
    expect(npm.verdict).toBe('out of sync');
    expect(npm.output).toMatch(/ENOTCACHED[\s\S]*wrappy/);
    const { findings } = await check('transitive-not-locked');
    expect(findings).toEqual([{ ruleId: 'lockfile-out-of-sync', severity: 'medium', location: 'node_modules/once' }]);
  });

  it('clean in-sync cases: exit 0 and no findings where npm installs only registry tarballs pinned by sha512', async () => {
    for (const name of ['range-recorded-narrower', 'removed-still-locked']) expect({ name, ...(await check(name)) }).toEqual({ name, status: 0, findings: [] });
  });

  it('extraneous entries: npm ci prunes them (never adds them), and depwarden does not judge them', async () => {
    const npm = npmCi('extraneous-entry');
    expect(npm.added).toEqual(['abbrev 1.1.1']);
    expect(await check('extraneous-entry')).toEqual({ status: 0, findings: [] });
  });

  it('bundled dependencies of a v1 lockfile: npm adds only the bundling package, and nothing wants integrity for the bundled ones', async () => {
    expect(npmCi('v1-bundled-deps').added).toEqual(['two-bundled-deps 1.0.0']);
    expect(await check('v1-bundled-deps')).toEqual({ status: 0, findings: [] });
  });

  it('git+ssh to the registry host: npm ci would install it; depwarden flags a registry range fetched over git', async () => {
    expect(npmCi('git-ssh-registry-host').added).toEqual(['abbrev 1.1.1']);
    const { status, findings } = await check('git-ssh-registry-host');
    expect(status).toBe(1);
    expect(findings).toContainEqual({ ruleId: 'spec-resolution-mismatch', severity: 'critical', location: 'node_modules/abbrev' });
  });

  it('an entry installing another package under a plain range: npm ci installs it; depwarden says critical and `depwarden ci` refuses', async () => {
    // package.json asks for abbrev; the entry under node_modules/abbrev says "name": "wrappy", with wrappy's own tarball.
    const npm = npmCi('name-swapped');
    expect(npm.verdict).toBe('in sync');
    expect(npm.added).toEqual(['abbrev 1.0.2']);
    const { status, findings } = await check('name-swapped');
    expect(status).toBe(1);
    expect(findings).toContainEqual({ ruleId: 'spec-resolution-mismatch', severity: 'critical', location: 'node_modules/abbrev' });
    const project = join(tempDir('npm-agree-ci'), 'name-swapped');
    cpSync(join(FIXTURES, 'npm-agree', 'name-swapped'), project, { recursive: true });
    const ci = await depwarden(['ci', '--registry', REGISTRY, '--offline'], { cwd: project });
    expect(ci.status).toBe(1);
    expect(ci.stderr).toContain('nothing was installed');
  });

  it('the same kind of entry put there by package.json overrides (wrappy: npm:abbrev@1.1.1): npm ci and depwarden agree it was asked for', async () => {
    const npm = npmCi('override-alias');
    expect(npm.verdict).toBe('in sync');
    expect(npm.added).toContain('wrappy 1.1.1');
    expect(await check('override-alias')).toEqual({ status: 0, findings: [{ ruleId: 'alias-dependency', severity: 'low', location: 'node_modules/wrappy' }] });
  });

  it('sha1-only integrity: npm ci installs it; depwarden says medium weak-integrity (fails with --fail-on medium)', async () => {
    expect(npmCi('sha1-integrity').added).toEqual(['abbrev 1.1.1']);
    const { status, findings } = await check('sha1-integrity');
    expect(findings).toEqual([{ ruleId: 'weak-integrity', severity: 'medium', location: 'node_modules/abbrev' }]);
    expect(status).toBe(0);
    expect((await check('sha1-integrity', ['--fail-on', 'medium'])).status).toBe(1);
  });

  it('a pnpm-layout node_modules (links into node_modules/.pnpm): npm ls loads it as valid; depwarden neither refuses nor flags it', async () => {
    const dir = join(tempDir('npm-agree'), 'pnpm-layout');
    cpSync(join(FIXTURES, 'npm-agree', 'pnpm-layout'), dir, { recursive: true, verbatimSymlinks: true });
    const home = join(dir, '..', 'home-ls');
    mkdirSync(home);
    const ls = spawnSync('npm', ['ls', '--offline', '--json'], {
      cwd: dir,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        HOME: home,
        npm_config_cache: join(home, 'cache'),
        npm_config_userconfig: join(home, 'npmrc'),
        npm_config_update_notifier: 'false',
      },
    });
    expect(ls.status).toBe(0);
    expect((JSON.parse(ls.stdout) as { dependencies: Record<string, { version: string }> }).dependencies.abbrev?.version).toBe('1.1.1');
    expect(await check('pnpm-layout', ['--node-modules'])).toEqual({ status: 0, findings: [] });
  });
});
