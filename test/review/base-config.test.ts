import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { depwardenInProcess } from '../support/cli.js';
import { FIXTURES } from '../support/paths.js';
import { TEST_HOME, tempDir } from '../support/temp.js';

const GIT_ENV = { PATH: process.env.PATH, HOME: TEST_HOME, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: GIT_ENV });
const REGISTRY = 'https://registry.example.test/';
const URL_DEP = 'https://attacker.example.test/dw-payload-1.0.0.tgz';

/** A repository whose base commit is the npm-v3 fixture plus `base` files; `change` is then written, uncommitted. */
function repository(base: Record<string, string>, change: Record<string, string>): string {
  const dir = tempDir('review-base-config');
  for (const file of ['package.json', 'package-lock.json']) cpSync(join(FIXTURES, 'npm-v3', file), join(dir, file));
  for (const [path, text] of Object.entries(base)) writeFileSync(join(dir, path), text);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, '-c', 'user.name=t', '-c', 'user.email=t@example.test', 'commit', '-qm', 'base');
  for (const [path, text] of Object.entries(change)) writeFileSync(join(dir, path), text);
  return dir;
}

const manifest = (extra: Record<string, unknown> = {}) => {
  const value = JSON.parse(readFileSync(join(FIXTURES, 'npm-v3', 'package.json'), 'utf8')) as Record<string, Record<string, unknown>>;
  return `${JSON.stringify({ ...value, dependencies: { ...value.dependencies, 'dw-payload': URL_DEP }, ...extra }, null, 2)}\n`;
};

async function review(dir: string, args: readonly string[] = ['--registry', REGISTRY]) {
  const run = await depwardenInProcess(['review', '--base', 'main', '--offline', '--format', 'json', ...args], { cwd: dir, env: GIT_ENV });
  expect([0, 1], run.stderr).toContain(run.status);
  const report = JSON.parse(run.stdout) as {
    findings: { rule: string; package: { name: string } }[];
    summary: { notices?: { file: string; message: string }[] };
  };
  return { status: run.status, rules: report.findings.map((finding) => `${finding.rule} ${finding.package.name}`), notices: report.summary.notices ?? [] };
}

describe("review judges a change with the base's policy and .npmrc when the change edits them", () => {
  it('a change that adds a URL dependency and a .depwardenrc.json turning its rule off: still found, and said', async () => {
    const dir = repository({}, { 'package.json': manifest(), '.depwardenrc.json': '{"rules":{"url-dependency":"off"},"failOn":"critical"}' });
    const run = await review(dir);
    expect(run.status).toBe(1);
    expect(run.rules).toContain('url-dependency dw-payload');
    expect(run.notices).toEqual([
      {
        file: '.depwardenrc.json',
        message: "policy: the base's; this change edits the policy (.depwardenrc.json or package.json#depwarden): review it yourself",
      },
    ]);
  });

  it('the same through package.json#depwarden', async () => {
    const dir = repository({}, { 'package.json': manifest({ depwarden: { rules: { 'url-dependency': 'off' } } }) });
    const run = await review(dir);
    expect(run.rules).toContain('url-dependency dw-payload');
    expect(run.notices.map((notice) => notice.file)).toEqual(['.depwardenrc.json']);
  });

  it("a policy the change does not edit is the project's, applied as before, with no notice", async () => {
    const dir = repository({ '.depwardenrc.json': '{"rules":{"url-dependency":"off"}}' }, { 'package.json': manifest() });
    const run = await review(dir);
    expect(run.rules).not.toContain('url-dependency dw-payload');
    expect(run.notices).toEqual([]);
  });

  it('--config names the policy: the change cannot edit that, and no notice', async () => {
    const policy = join(tempDir('review-policy'), 'policy.json');
    writeFileSync(policy, '{}');
    const dir = repository({}, { 'package.json': manifest(), '.depwardenrc.json': '{"rules":{"url-dependency":"off"}}' });
    const run = await review(dir, ['--registry', REGISTRY, '--config', policy]);
    expect(run.rules).toContain('url-dependency dw-payload');
    expect(run.notices).toEqual([]);
  });

  it("a swapped resolved host plus an .npmrc naming that host as the registry: judged with the base's registry", async () => {
    const lock = readFileSync(join(FIXTURES, 'npm-v3', 'package-lock.json'), 'utf8');
    const swapped = lock.replace('https://registry.example.test/dw-core/-/dw-core-2.0.0.tgz', 'https://evil.example.test/dw-core/-/dw-core-2.0.0.tgz');
    expect(swapped).not.toBe(lock);
    const before = readdirSync(tmpdir()).filter((name) => name.startsWith('depwarden-base-npmrc-')).length;
    const dir = repository({ '.npmrc': `registry=${REGISTRY}\n` }, { 'package-lock.json': swapped, '.npmrc': 'registry=https://evil.example.test/\n' });
    const run = await review(dir, []);
    expect(run.rules).toContain('foreign-registry dw-core');
    expect(run.notices).toEqual([{ file: '.npmrc', message: "npm config: the base's; this change edits .npmrc: review it yourself" }]);
    // The folder holding the base's .npmrc is gone.
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith('depwarden-base-npmrc-')).length).toBe(before);
  });
});
