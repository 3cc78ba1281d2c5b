import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import AjvDraft04 from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { depwarden as spawned, depwardenInProcess as depwarden } from '../support/cli.js';
import { FIXTURES } from '../support/paths.js';
import { tempDir } from '../support/temp.js';
import { REGISTRY } from '../support/tree.js';

const fixture = (name: string) => join(FIXTURES, name);
const REG = ['--registry', REGISTRY, '--offline'];
const SARIF_SCHEMA = JSON.parse(readFileSync(join(FIXTURES, 'sarif', 'sarif-2.1.0-rtm.5.json'), 'utf8'));

// Most cases run the CLI's main in-process; the launcher (bin/, exit code, no stack trace) is tested spawned.
describe('depwarden check', () => {
  it('exit 0 and "No findings." on a clean lockfile', async () => {
    const run = await depwarden(['check', fixture('npm-v3'), ...REG]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('depwarden: checked 4 packages in package-lock.json (npm-lockfile-v3)');
    expect(run.stdout).toContain('No findings.');
    expect(run.stderr).toBe('');
  });

  it('exit 1 on findings at or above the failing severity, with the chain to the offender', async () => {
    const run = await depwarden(['check', fixture('risky/app'), ...REG]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('via: (root) > dw-middle > dw-phantom > dw-payload');
    expect(run.stdout).toMatch(/3 at or above high: failing\.\n$/);
  });

  it('--fail-on moves the threshold', async () => {
    expect((await depwarden(['check', fixture('tampered-v1'), ...REG])).status).toBe(1);
    expect((await depwarden(['check', fixture('tampered-v1'), ...REG, '--fail-on', 'critical'])).status).toBe(0);
    expect((await depwarden(['check', fixture('npm-v3'), ...REG, '--fail-on', 'info'])).status).toBe(0);
  });

  it('checks lockfile v1, shrinkwrap, workspaces and node_modules', async () => {
    for (const args of [['npm-v1'], ['shrinkwrap'], ['workspaces'], ['node-modules', '--node-modules']]) {
      const run = await depwarden(['check', fixture(args[0]!), ...args.slice(1), ...REG]);
      expect({ args, status: run.status, stderr: run.stderr }).toEqual({ args, status: 0, stderr: '' });
    }
  });

  it.each([
    ['yarn-classic', 'yarn.lock', 'weak-integrity'],
    ['yarn-berry', 'yarn.lock', undefined],
    ['pnpm-v9', 'pnpm-lock.yaml', 'missing-integrity'],
    ['bun', 'bun.lock', undefined],
  ])('checks a %s lockfile (%s): the same findings as npm, and its own integrity verdict', async (folder, file, integrity) => {
    const run = await depwarden(['check', fixture(`lockfiles/${folder}`), ...REG, '--format', 'json']);
    expect([run.status, run.stderr]).toEqual([1, '']);
    const report = JSON.parse(run.stdout);
    expect(report.source.file).toBe(file);
    const findings = report.findings.map((f: { rule: string; package: { location: string } }) => `${f.rule} ${f.package.location}`);
    expect(findings.sort()).toEqual(
      [
        'url-dependency node_modules/dw-payload',
        'near-miss-name node_modules/expresss',
        'alias-dependency node_modules/dw-alias',
        // A git:// repository, locked by every manager at its commit.
        'git-dependency node_modules/dw-gitdep',
        'insecure-protocol node_modules/dw-gitdep',
        ...(integrity ? [`${integrity} node_modules/dw-payload`] : []),
        // pnpm, yarn berry and bun patch dw-core (test/cli/patches.e2e.test.ts); yarn classic has no patches.
        ...(folder === 'yarn-classic' ? [] : ['patched-dependency node_modules/dw-core']),
      ].sort(),
    );
    const sarif = await depwarden(['check', fixture(`lockfiles/${folder}`), ...REG, '--format', 'sarif']);
    expect(JSON.parse(sarif.stdout).runs[0].results).toHaveLength(findings.length);
  });

  describe('a project with several lockfiles', () => {
    /** The yarn classic project with npm's and pnpm's lockfiles beside yarn.lock; pnpm's is out of sync with package.json. */
    function severalLockfiles(packageManager?: string): string {
      const dir = tempDir('several-lockfiles');
      cpSync(fixture('lockfiles/yarn-classic'), dir, { recursive: true });
      cpSync(fixture('lockfiles/npm/package-lock.json'), join(dir, 'package-lock.json'));
      const pnpm = readFileSync(fixture('lockfiles/pnpm-v9/pnpm-lock.yaml'), 'utf8').replace('specifier: ^2.0.0', 'specifier: ^2.0.1');
      writeFileSync(join(dir, 'pnpm-lock.yaml'), pnpm);
      cpSync(fixture('lockfiles/pnpm-v9/pnpm-workspace.yaml'), join(dir, 'pnpm-workspace.yaml'));
      if (packageManager) {
        const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
        writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...manifest, packageManager }));
      }
      return dir;
    }

    it("checks each, the package manager's first, and says which lockfile each finding comes from", async () => {
      const dir = severalLockfiles('pnpm@9.15.0');
      const text = await depwarden(['check', dir, ...REG, '--fail-on', 'critical']);
      expect(text.stderr).toBe(
        'depwarden: 3 lockfiles, each checked: pnpm-lock.yaml, package-lock.json, yarn.lock (pnpm-lock.yaml is the one the package manager uses)\n',
      );
      const headers = text.stdout.split('\n').filter((line) => line.startsWith('depwarden: checked'));
      expect(headers).toEqual([
        'depwarden: checked 10 packages in pnpm-lock.yaml (pnpm-lockfile)',
        'depwarden: checked 11 packages in package-lock.json (npm-lockfile-v3)',
        'depwarden: checked 10 packages in yarn.lock (yarn-classic)',
      ]);
      // Exit: the worst of them; only pnpm's lockfile is out of sync (medium).
      expect(text.status).toBe(0);
      expect((await depwarden(['check', dir, ...REG, '--fail-on', 'medium'])).status).toBe(1);

      const json = JSON.parse((await depwarden(['check', dir, ...REG, '--format', 'json'])).stdout);
      expect(json.lockfiles.map((source: { file: string }) => source.file)).toEqual(['pnpm-lock.yaml', 'package-lock.json', 'yarn.lock']);
      const findings = json.findings.map((f: { rule: string; lockfile: string }) => `${f.lockfile} ${f.rule}`);
      expect(findings.filter((line: string) => line.endsWith('near-miss-name'))).toEqual([
        'pnpm-lock.yaml near-miss-name',
        'package-lock.json near-miss-name',
        'yarn.lock near-miss-name',
      ]);
      expect(findings.filter((line: string) => line.endsWith('lockfile-out-of-sync'))).toEqual(['pnpm-lock.yaml lockfile-out-of-sync']);
      expect(json.summary.total).toBe(json.findings.length);

      const sarif = JSON.parse((await depwarden(['check', dir, ...REG, '--format', 'sarif'])).stdout);
      expect(sarif.runs).toHaveLength(1);
      const uris = sarif.runs[0].results.map((r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
        r.locations[0]!.physicalLocation.artifactLocation.uri.split('/').at(-1),
      );
      expect(new Set(uris)).toEqual(new Set(['pnpm-lock.yaml', 'package-lock.json', 'yarn.lock']));
      expect(uris).toHaveLength(json.findings.length);
    });

    it('a binary bun.lockb beside the lockfile the manager uses is named as not checked; beside bun.lock it is ignored, as bun ignores it', async () => {
      const dir = tempDir('bun-lockb-beside');
      cpSync(fixture('lockfiles/npm'), dir, { recursive: true });
      writeFileSync(join(dir, 'bun.lockb'), Buffer.from([0x23, 0x21, 0x00, 0x01]));
      const run = await depwarden(['check', dir, ...REG, '--fail-on', 'critical']);
      expect([run.status, run.stderr]).toEqual([
        0,
        "depwarden: also found bun.lockb, not checked: bun's binary lockfile cannot be read (`bun install --save-text-lockfile` writes bun.lock)\n",
      ]);
      cpSync(fixture('lockfiles/bun/bun.lock'), join(dir, 'bun.lock'));
      const both = await depwarden(['check', dir, ...REG, '--fail-on', 'critical']);
      expect([both.status, both.stderr]).toEqual([
        0,
        'depwarden: 2 lockfiles, each checked: package-lock.json, bun.lock (package-lock.json is the one the package manager uses)\n',
      ]);
    });

    it("without packageManager npm's comes first; --lockfile checks that one only", async () => {
      const dir = severalLockfiles();
      const run = await depwarden(['check', dir, ...REG, '--format', 'json']);
      expect(JSON.parse(run.stdout).lockfiles.map((source: { file: string }) => source.file)).toEqual(['package-lock.json', 'pnpm-lock.yaml', 'yarn.lock']);
      const one = await depwarden(['check', dir, ...REG, '--format', 'json', '--lockfile', 'yarn.lock']);
      expect([one.stderr, JSON.parse(one.stdout).source.file, JSON.parse(one.stdout).lockfiles]).toEqual(['', 'yarn.lock', undefined]);
      const wrong = await depwarden(['check', dir, ...REG, '--lockfile', 'composer.lock']);
      expect([wrong.status, wrong.stderr]).toEqual([
        2,
        expect.stringMatching(/^depwarden: --lockfile must name one of the project's lockfiles .*"composer\.lock"\n$/),
      ]);
    });
  });

  it('refuses bun.lockb with exit 2 and how to write bun.lock', async () => {
    const dir = tempDir('bun-lockb');
    cpSync(fixture('lockfiles/bun/package.json'), join(dir, 'package.json'));
    writeFileSync(join(dir, 'bun.lockb'), Buffer.from([0x23, 0x21, 0x00, 0x01]));
    const run = await depwarden(['check', dir, ...REG]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^depwarden: bun\.lockb: is bun.s binary lockfile.*bun install --save-text-lockfile.*\n$/);
  });

  it('--format json and sarif print parsable reports of the same findings', async () => {
    const json = await depwarden(['check', fixture('tampered-v3'), ...REG, '--format', 'json']);
    const sarif = await depwarden(['check', fixture('tampered-v3'), ...REG, '--format', 'sarif']);
    expect([json.status, sarif.status]).toEqual([1, 1]);
    const findings = JSON.parse(json.stdout).findings.map((f: { rule: string; package: { location: string } }) => `${f.rule} ${f.package.location}`);
    expect(findings).toEqual(['resolved-mismatch node_modules/dw-core', 'missing-integrity node_modules/dw-dev', 'weak-integrity node_modules/dw-util']);
    const results = JSON.parse(sarif.stdout).runs[0].results.map(
      (r: { ruleId: string; locations: { logicalLocations: { fullyQualifiedName: string }[] }[] }) =>
        `${r.ruleId} ${r.locations[0]!.logicalLocations[0]!.fullyQualifiedName}`,
    );
    expect(results).toEqual(findings);
  });

  it('sarif and github annotations: paths relative to the git root (%SRCROOT%), wherever check runs from', async () => {
    const repo = tempDir('git-root');
    mkdirSync(join(repo, '.git'));
    const app = join(repo, 'packages', 'app');
    cpSync(fixture('risky/app'), app, { recursive: true });
    for (const cwd of [repo, app, join(repo, 'packages')]) {
      const sarif = JSON.parse((await depwarden(['check', app, ...REG, '--format', 'sarif'], { cwd })).stdout);
      const validate = new AjvDraft04.default({ strict: false, validateFormats: false, unicodeRegExp: false }).compile(SARIF_SCHEMA);
      expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
      expect(sarif.runs[0].originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: pathToFileURL(`${repo}/`).href } });
      const locations = sarif.runs[0].results.map((result: { locations: { physicalLocation: unknown }[] }) => result.locations[0]!.physicalLocation);
      expect(locations.length).toBeGreaterThan(0);
      for (const location of locations) expect(location).toMatchObject({ artifactLocation: { uri: 'packages/app/package-lock.json', uriBaseId: '%SRCROOT%' } });
      const github = (await depwarden(['check', app, ...REG, '--format', 'github'], { cwd })).stdout.trim().split('\n');
      expect(github.every((line) => line.includes(' file=packages/app/package-lock.json,line='))).toBe(true);
    }
    // node_modules: each package's package.json inside the project, under the same root.
    const modules = join(repo, 'modules');
    cpSync(fixture('node-modules'), modules, { recursive: true });
    writeFileSync(
      join(modules, 'node_modules', 'dw-dev', 'package.json'),
      JSON.stringify({ name: 'dw-dev', version: '1.0.0', scripts: { postinstall: 'node x.js' } }),
    );
    const sarif = JSON.parse(
      (await depwarden(['check', modules, '--node-modules', ...REG, '--format', 'sarif', '--fail-on', 'info'], { cwd: modules })).stdout,
    );
    const uris = sarif.runs[0].results.map(
      (result: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => result.locations[0]!.physicalLocation.artifactLocation.uri,
    );
    expect(uris.length).toBeGreaterThan(0);
    for (const uri of uris) expect(uri).toMatch(/^modules\/node_modules\/.+\/package\.json$/);
  });

  it('takes the registry from npm configuration: env, or the project .npmrc', async () => {
    // Without any configuration npm's default (public) registry applies: the fixture's placeholder host is
    // foreign, and its private package names are unknown to the public name record.
    const unconfigured = await depwarden(['check', fixture('npm-v3'), '--format', 'json']);
    expect(JSON.parse(unconfigured.stdout).findings.map((f: { rule: string; package: { name: string } }) => `${f.rule} ${f.package.name}`)).toEqual([
      'foreign-registry dw-core',
      'foreign-registry dw-dev',
      'foreign-registry dw-util',
      'foreign-registry dw-core',
      'unregistered-name dw-core',
      'unregistered-name dw-dev',
      'unregistered-name dw-util',
    ]);
    expect((await depwarden(['check', fixture('npm-v3')], { env: { npm_config_registry: REGISTRY } })).status).toBe(0);
    const project = tempDir('npmrc');
    cpSync(fixture('npm-v3'), project, { recursive: true });
    writeFileSync(join(project, '.npmrc'), `registry=${REGISTRY}\n`);
    expect((await depwarden(['check', project])).stdout).toContain('No findings.');
  });

  it('applies the policy file: allowlist with reasons, stale entries as hints, --strict', async () => {
    const allowed = await depwarden(['check', fixture('risky/app'), ...REG, '--config', fixture('policies/allow-risky.json')]);
    expect(allowed.status).toBe(0);
    expect(allowed.stdout).toContain('2 findings (1 medium, 1 low, 3 allowed by policy); none at or above high.');
    const stale = await depwarden(['check', fixture('npm-v3'), ...REG, '--config', fixture('policies/stale-entry.json')]);
    expect(stale.status).toBe(0);
    expect(stale.stdout).toContain('hint: policy allow[0] (never-installed, git-dependency) matched nothing');
    const strict = await depwarden(['check', fixture('npm-v3'), ...REG, '--config', fixture('policies/stale-entry.json'), '--strict']);
    expect(strict.status).toBe(1);
    // Exit 1 with no finding: the summary says why.
    expect(strict.stdout.trimEnd().split('\n').at(-1)).toBe('No findings; failing with --strict: policy allow[0] matched nothing.');
  });

  it('escapes package text so it cannot drive the terminal', async () => {
    const run = await depwarden(['check', fixture('hostile-text'), ...REG]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('http://x.example.test/\\x1b[2J\\x9b31m.tgz');
    expect(run.stdout).not.toMatch(/[\u001b\u009b]/);
    const json = (await depwarden(['check', fixture('hostile-text'), ...REG, '--format', 'json'])).stdout;
    expect(json).not.toMatch(/[\u001b\u009b]/);
    expect(JSON.parse(json).findings[0].details.url).toBe('http://x.example.test/\u001b[2J\u009b31m.tgz');
  });

  it('exit 2 with one line naming the file, no stack trace, for bad input (spawned: what the process prints)', () => {
    for (const [name, message] of [
      ['truncated', 'depwarden: package-lock.json: is not valid JSON ('],
      ['unknown-version', 'depwarden: package-lock.json: has lockfileVersion 99; depwarden reads versions 1, 2 and 3'],
      ['hostile-name', 'depwarden: package-lock.json: "packages"["node_modules/\\x1b]8;;http://evil\\x07x"] is not a usable path'],
    ] as const) {
      const run = spawned(['check', fixture(`bad/${name}`), ...REG]);
      expect({ name, status: run.status, stdout: run.stdout }).toEqual({ name, status: 2, stdout: '' });
      expect(run.stderr.startsWith(message)).toBe(true);
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
  });

  it('a lockfile out of sync with package.json is a finding, and the rest is still checked; ci refuses it as npm ci does', async () => {
    // The fixture's lockfile with its one entry's integrity removed: that is still found.
    const project = tempDir('out-of-sync');
    cpSync(fixture('bad/out-of-sync'), project, { recursive: true });
    const lockfile = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8'));
    delete lockfile.packages['node_modules/a'].integrity;
    writeFileSync(join(project, 'package-lock.json'), JSON.stringify(lockfile));
    const run = await depwarden(['check', project, ...REG, '--format', 'json', '--fail-on', 'medium']);
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout).findings.map((f: { rule: string; severity: string; message: string }) => `${f.severity} ${f.rule}: ${f.message}`)).toEqual([
      'high missing-integrity: no integrity hash, so nothing pins the content of https://registry.example.test/a/-/a-1.0.0.tgz',
      'medium lockfile-out-of-sync: the lockfile does not satisfy package.json: "a": "^2.0.0" is not satisfied by the locked 1.0.0. npm ci refuses it, and npm install would resolve these anew: what is checked here is the lockfile, not what will be installed',
    ]);
    const ci = await depwarden(['ci', ...REG], { cwd: project });
    expect(ci).toEqual({
      status: 2,
      stdout: '',
      stderr: 'depwarden: package-lock.json: is out of sync with package.json: "a" wants "^2.0.0" but 1.0.0 is locked; run `npm install` to update it\n',
    });
  });

  it('exit 2 for usage and config errors, with the likely intent', async () => {
    const cases: [string[], string][] = [
      [['check', '--fromat', 'json'], 'depwarden: unknown option --fromat; did you mean --format?\n'],
      [['check', '--format', 'xml'], 'depwarden: --format must be one of text, json, sarif, markdown, github; found "xml"\n'],
      [['check', '--fail-on', 'error'], 'depwarden: --fail-on must be one of critical, high, medium, low, info; found "error"\n'],
      [['chek'], 'depwarden: unknown command "chek"; did you mean "check"? Run \'depwarden --help\' for the list\n'],
      [
        ['check', fixture('npm-v3'), '--config', fixture('policies/bad-key.json')],
        `depwarden: ${fixture('policies/bad-key.json')}: rule is not a known key; did you mean "rules"?\n`,
      ],
      [['check', 'a', 'b'], 'depwarden: check takes one project folder; found 2\n'],
      // A value that starts with a dash is refused unless written --option=value (it made a folder named "-x").
      [['check', '--timeout', '-5'], 'depwarden: --timeout needs a value; found "-5" (a value that starts with a dash is given as --timeout=-5)\n'],
      [['check', '--timeout=-5'], 'depwarden: --timeout must be a whole number above 0; found "-5"\n'],
      [['check', '--concurrency=-1'], 'depwarden: --concurrency must be a whole number above 0; found "-1"\n'],
      [['check', '--registry', 'ftp://registry.example.test/'], 'depwarden: --registry must be an http(s) URL; found "ftp://registry.example.test/"\n'],
      [['vet', 'a', '--registry', 'registry.example.test'], 'depwarden: --registry must be an http(s) URL; found "registry.example.test"\n'],
      // A token in a URL the user gave never reaches the log, in errors too.
      [
        ['check', '--registry', 'ftp://me:hunter2@registry.example.test/'],
        'depwarden: --registry must be an http(s) URL; found "ftp://***@registry.example.test/"\n',
      ],
      [['vet', 'a', '--timeout=-0.5'], 'depwarden: --timeout must be a whole number above 0; found "-0.5"\n'],
      [['review', '--concurrency=-2'], 'depwarden: --concurrency must be a whole number above 0; found "-2"\n'],
      [['mcp', '--timeout', '-5'], 'depwarden: --timeout needs a value; found "-5" (a value that starts with a dash is given as --timeout=-5)\n'],
      [['check', '--timeout', '--offline'], 'depwarden: --timeout needs a value; found the option --offline\n'],
      [['check', '--timeout'], 'depwarden: --timeout needs a value\n'],
      [['mcp', '--fixx'], 'depwarden: unknown option --fixx; did you mean --fix?\n'],
      // check takes a project folder: a file in its place is named for what it is.
      [
        ['check', join(fixture('npm-v3'), 'package-lock.json')],
        `depwarden: ${join(fixture('npm-v3'), 'package-lock.json')} is a file; check takes a project folder (to check only this lockfile: depwarden check ${fixture('npm-v3')} --lockfile package-lock.json)\n`,
      ],
      [
        ['check', join(fixture('npm-v3'), 'package.json')],
        `depwarden: ${join(fixture('npm-v3'), 'package.json')} is a file; check takes a project folder (the folder with package.json and the lockfile; --lockfile <name> picks one of its lockfiles)\n`,
      ],
      [['check', fixture('no-such-folder')], `depwarden: no such folder: ${fixture('no-such-folder')}; check takes a project folder\n`],
    ];
    for (const [args, stderr] of cases) {
      expect({ args, ...(await depwarden(args)) }).toEqual({ args, status: 2, stdout: '', stderr });
    }
  });

  it('--help and --version exit 0; no command is a usage error', async () => {
    expect(await depwarden(['check', '--help'])).toMatchObject({ status: 0, stdout: expect.stringContaining('Usage: depwarden check [dir]') });
    expect(await depwarden([])).toMatchObject({ status: 2, stdout: expect.stringContaining('Commands:') });
    // The launcher itself, spawned: it prints and sets the process's exit code.
    expect(spawned(['--version'])).toMatchObject({ status: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
    expect(spawned(['check', fixture('risky/app'), ...REG])).toMatchObject({
      status: 1,
      stdout: expect.stringContaining('via: (root) > dw-middle > dw-phantom > dw-payload'),
    });
  });

  it('never writes to the project', async () => {
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
    await depwarden(['check', dir, ...REG]);
    await depwarden(['check', dir, '--node-modules', ...REG, '--format', 'sarif']);
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('depwarden check --hook under each package manager', () => {
  const hookRun = (dir: string, agent: string) => depwarden(['check', '--hook', ...REG], { cwd: dir, env: { INIT_CWD: dir, npm_config_user_agent: agent } });

  it('yarn classic: checks yarn.lock and fails on what it holds (it said "nothing to check yet")', async () => {
    const dir = tempDir('hook-yarn');
    cpSync(fixture('lockfiles/yarn-classic'), dir, { recursive: true });
    const run = await hookRun(dir, 'yarn/1.22.22 npm/? node/v20.20.2 linux x64');
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('in yarn.lock (yarn-classic');
    expect(run.stdout).toContain('[url-dependency]');
    expect(run.stderr).not.toContain('nothing to check yet');
  });

  it('pnpm beside an npm lockfile: reads the one pnpm installs from, and names the other', async () => {
    const dir = tempDir('hook-pnpm');
    cpSync(fixture('lockfiles/pnpm-v9'), dir, { recursive: true });
    cpSync(join(fixture('npm-v3'), 'package-lock.json'), join(dir, 'package-lock.json'));
    const run = await hookRun(dir, 'pnpm/9.15.9 npm/? node/v20.20.2 linux x64');
    expect(run.stdout).toContain('in pnpm-lock.yaml (pnpm-lockfile');
    expect(run.stderr).toContain('read pnpm-lock.yaml, the lockfile pnpm installs from; also found, not checked: package-lock.json');
    expect(run.stderr).toContain('runs after the dependencies were extracted');
  });

  it('a resolved on the registry host that is no tarball of the package fails: npm, yarn classic, and an allowed host', async () => {
    const dir = tempDir('check-registry-path');
    const payload = 'https://registry.example.test/uploads/payload.tgz';
    const integrity = `sha512-${Buffer.from('payload').toString('base64')}`;
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', dependencies: { a: '^1.0.0' } }));
    const lock = (resolved: string) =>
      JSON.stringify({
        name: 'app',
        lockfileVersion: 3,
        packages: { '': { name: 'app', version: '1.0.0', dependencies: { a: '^1.0.0' } }, 'node_modules/a': { version: '1.0.0', resolved, integrity } },
      });
    writeFileSync(join(dir, 'package-lock.json'), lock(payload));
    const npmRun = await depwarden(['check', dir, ...REG]);
    expect(npmRun.status).toBe(1);
    expect(npmRun.stdout).toContain('[resolved-mismatch]');
    expect(npmRun.stdout).toContain(`names no tarball of this package (…/<name>/-/<name>-<version>.tgz): ${payload}`);

    writeFileSync(join(dir, 'package-lock.json'), lock('https://mirror.example.test/some/other/path.tgz'));
    writeFileSync(join(dir, '.depwardenrc.json'), JSON.stringify({ allowedHosts: ['mirror.example.test'] }));
    const allowed = await depwarden(['check', dir, ...REG]);
    expect(allowed.status).toBe(1);
    expect(allowed.stdout).toContain('on the registry host mirror.example.test but names no tarball of this package');

    writeFileSync(join(dir, 'package-lock.json'), lock('https://registry.example.test/a/-/a-1.0.0.tgz'));
    expect((await depwarden(['check', dir, ...REG])).status).toBe(0);

    const yarn = tempDir('check-registry-path-yarn');
    writeFileSync(join(yarn, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', dependencies: { a: '^1.0.0' } }));
    writeFileSync(
      join(yarn, 'yarn.lock'),
      `# yarn lockfile v1\n\n\na@^1.0.0:\n  version "1.0.0"\n  resolved "${payload}#0123456789abcdef"\n  integrity ${integrity}\n`,
    );
    const yarnRun = await depwarden(['check', yarn, ...REG]);
    expect(yarnRun.status).toBe(1);
    expect(yarnRun.stdout).toContain('[resolved-mismatch]');
  });
});
