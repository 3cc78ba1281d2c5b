import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ISOLATED_ENV } from '../support/check.js';
import { BIN, FIXTURES } from '../support/paths.js';

// Every run has its own HOME and npm cache, and git reads no user or system configuration.
const scratch = mkdtempSync(join(tmpdir(), 'depwarden-failclosed-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const HOME = join(scratch, 'home');
mkdirSync(HOME);
const GIT_ENV = { PATH: process.env.PATH, HOME, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
const ENV = { ...ISOLATED_ENV, HOME, npm_config_cache: join(scratch, 'npm-cache'), GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
const REG = ['--registry', 'https://registry.example.test/', '--offline', '--format', 'json'];

let count = 0;
function repository(base: Record<string, string>, change: Record<string, string> = {}): string {
  const dir = join(scratch, `repo-${++count}`);
  mkdirSync(dir);
  const write = (files: Record<string, string>) => {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
  };
  git(dir, 'init', '-q', '-b', 'main');
  write(base);
  git(dir, 'add', '-A');
  git(dir, '-c', 'user.name=t', '-c', 'user.email=t@example.test', '-c', 'maintenance.auto=false', 'commit', '-qm', 'base');
  write(change);
  return dir;
}

const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8', env: GIT_ENV });

function review(cwd: string, args: readonly string[], input?: string) {
  const run = spawnSync(process.execPath, [BIN, 'review', ...args], { cwd, input, encoding: 'utf8', env: ENV });
  const findings =
    run.status === 0 || run.status === 1
      ? (JSON.parse(run.stdout) as { findings: { rule: string; package: { name: string }; at?: { uri: string; line: number } }[] }).findings.map(
          (finding) => `${finding.rule} ${finding.package.name}${finding.at ? ` ${finding.at.uri}:${finding.at.line}` : ''}`,
        )
      : [];
  return { status: run.status, stderr: run.stderr, findings };
}

// A package.json long enough that git's three lines of context do not reach `"dependencies": {`.
const LONG = {
  name: 'app',
  version: '1.0.0',
  description: 'x',
  main: 'index.js',
  license: 'MIT',
  dependencies: { lodash: '^4.17.21', react: '^18.0.0', vue: '^3.0.0', zod: '^3.0.0' },
};
const longManifest = (extra: Record<string, string> = {}) => {
  return `${JSON.stringify({ ...LONG, dependencies: { ...LONG.dependencies, ...extra } }, null, 2)}\n`;
};

describe('review --diff: what the diff adds is found, or the review stops', () => {
  it.each([
    {
      case: "git's default context, the dependency block opened above the hunk, run in the checkout",
      where: 'checkout' as const,
      expected: { status: 1, findings: ['near-miss-name lodahs package.json:12'] },
    },
    {
      case: 'the same diff with the working tree still at the base (the diff is applied to rebuild the head)',
      where: 'base' as const,
      expected: { status: 1, findings: ['near-miss-name lodahs package.json:12'] },
    },
    {
      case: 'the same diff with no copy of the file at hand: exit 2, never "No findings"',
      where: 'nowhere' as const,
      expected: { status: 2, stderr: /^depwarden: package\.json: line 12 adds "lodahs": "\^1\.0\.0", but the diff does not show which block it is in/ },
    },
  ])('$case', ({ where, expected }) => {
    const dir = repository({ 'package.json': longManifest() }, { 'package.json': longManifest({ lodahs: '^1.0.0' }) });
    const diff = git(dir, 'diff');
    expect(diff).not.toContain('"dependencies": {'); // the point of the case: the block's line is not in the diff
    if (where === 'base') git(dir, 'checkout', '--', 'package.json');
    const cwd = where === 'nowhere' ? mkdtempSync(join(scratch, 'elsewhere-')) : dir;
    const run = review(cwd, ['--diff', '-', ...REG], diff);
    expect(run.status).toBe(expected.status);
    if (expected.findings) expect(run.findings).toEqual(expected.findings);
    if (expected.stderr) expect(run.stderr).toMatch(expected.stderr);
  });

  it('a one-line package.json', () => {
    const dir = repository(
      { 'package.json': '{"name":"app","dependencies":{"react":"^18"}}' },
      { 'package.json': '{"name":"app","dependencies":{"react":"^18","lodahs":"^1"}}' },
    );
    const diff = git(dir, 'diff');
    expect(review(dir, ['--diff', '-', ...REG], diff)).toMatchObject({ status: 1, findings: ['near-miss-name lodahs package.json:1'] });
    // Without the file, the hunk starts at line 1 and shows the whole nesting.
    expect(review(mkdtempSync(join(scratch, 'elsewhere-')), ['--diff', '-', ...REG], diff)).toMatchObject({
      status: 1,
      findings: ['near-miss-name lodahs package.json:1'],
    });
  });

  it.each([
    { case: 'text that is no diff', input: 'garbage\n', stderr: 'depwarden: (stdin): is not a unified diff: it has no "--- a/file" and "+++ b/file" header\n' },
    { case: 'an empty diff', input: '', stderr: 'depwarden: (stdin): the diff is empty: nothing to review (did the command that produced it fail?)\n' },
    {
      case: 'a cut-off hunk',
      input: '--- a/package.json\n+++ b/package.json\n@@ -1,3 +1,4 @@\n {\n+  "x": 1,\n',
      stderr: 'depwarden: (stdin): after line 5: the diff ends inside a hunk (2 old and 2 new lines missing)\n',
    },
  ])('exit 2 for $case', ({ input, stderr }) => {
    const dir = repository({ 'package.json': longManifest() });
    expect(review(dir, ['--diff', '-', ...REG], input)).toMatchObject({ status: 2, stderr });
  });

  it('paths git quotes (non-ASCII names) are read, in a diff and from git', () => {
    const dir = repository(
      { 'package.json': longManifest(), 'src/caf\u00e9.js': "const a = require('./a');\n" },
      { 'src/caf\u00e9.js': "const a = require('./a');\nconst x = require('lodahs');\n" },
    );
    const diff = git(dir, 'diff');
    expect(diff).toContain('"b/src/caf\\303\\251.js"');
    expect(review(dir, ['--diff', '-', ...REG], diff).findings).toEqual([
      'near-miss-name lodahs src/caf\u00e9.js:2',
      'undeclared-import lodahs src/caf\u00e9.js:2',
    ]);
    writeFileSync(join(dir, 'src', 'we"ird\u00e9.mjs'), "import x from 'expresss';\n");
    expect(review(dir, REG).findings).toEqual([
      'near-miss-name expresss src/we"ird\u00e9.mjs:1',
      'near-miss-name lodahs src/caf\u00e9.js:2',
      'undeclared-import expresss src/we"ird\u00e9.mjs:1',
      'undeclared-import lodahs src/caf\u00e9.js:2',
    ]);
  });

  it('a lockfile the diff changes is checked at both ends, as in git mode', () => {
    const manifest = `${JSON.stringify(JSON.parse(readFileSync(join(FIXTURES, 'npm-v3/package.json'), 'utf8')), null, 2)}\n`;
    const dir = repository(
      { 'package.json': manifest, 'package-lock.json': readFileSync(join(FIXTURES, 'npm-v3/package-lock.json'), 'utf8') },
      { 'package-lock.json': readFileSync(join(FIXTURES, 'tampered-v3/package-lock.json'), 'utf8') },
    );
    const run = review(dir, ['--diff', '-', ...REG], git(dir, 'diff'));
    expect(run.findings).toEqual([
      'resolved-mismatch dw-core package-lock.json:18',
      'missing-integrity dw-dev package-lock.json:23',
      'weak-integrity dw-util package-lock.json:28',
    ]);
  });
});
