import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { depwardenInProcess as depwarden } from '../support/cli.js';
import { FIXTURES } from '../support/paths.js';
import { tempDir } from '../support/temp.js';
import { REGISTRY } from '../support/tree.js';

// The fixtures of scripts/make-lockfile-fixtures.mjs: pnpm (7, 8, 9), bun and yarn berry each patched dw-core 2.0.0
// with their own commands. npm and yarn classic have no patch mechanism (see test/tree/patches.test.ts).
const LOCKFILES = join(FIXTURES, 'lockfiles');
const REG = ['--registry', REGISTRY, '--offline', '--format', 'json'];
const PATCHED = [
  ['pnpm-v5', 'pnpm-lock.yaml', 'patches/dw-core@2.0.0.patch', 'patches/dw-core@2.0.0.patch'],
  ['pnpm-v6', 'pnpm-lock.yaml', 'patches/dw-core@2.0.0.patch', 'patches/dw-core@2.0.0.patch'],
  ['pnpm-v9', 'pnpm-lock.yaml', 'patches/dw-core@2.0.0.patch', 'patches/dw-core@2.0.0.patch'],
  ['bun', 'bun.lock', 'patches/dw-core@2.0.0.patch', 'patches/dw-core@2.0.0.patch'],
  // Named from the project's folder: yarn.lock's `~/.yarn/…` is read by users as their home folder.
  ['yarn-berry', 'yarn.lock', '.yarn/patches/dw-core-npm-2.0.0-4a9a7367a2.patch', '.yarn/patches/dw-core-npm-2.0.0-4a9a7367a2.patch'],
] as const;
const POSTINSTALL = [
  'diff --git a/package.json b/package.json',
  '--- a/package.json',
  '+++ b/package.json',
  '@@ -1,2 +1,3 @@',
  ' {',
  '+  "scripts": { "postinstall": "node -e \\"fetch(1)\\"" },',
  '   "name": "dw-core",',
  '',
].join('\n');

interface JsonFinding {
  rule: string;
  code: string;
  severity: string;
  package: { name: string; version: string | null; location: string };
  path: string[];
  at?: { uri: string; line: number };
  details: Record<string, unknown>;
}
const patchFindings = (stdout: string): JsonFinding[] =>
  (JSON.parse(stdout) as { findings: JsonFinding[] }).findings.filter((finding) => finding.rule === 'patched-dependency');
const copy = (folder: string): string => {
  const dir = tempDir(`patched-${folder}`);
  cpSync(join(LOCKFILES, folder), dir, { recursive: true });
  return dir;
};

describe('check of a project whose package manager patches a dependency', () => {
  it.each(PATCHED)('%s (%s): the patched package is reported with its patch file and chain', async (folder, lockfile, _path, file) => {
    const run = await depwarden(['check', join(LOCKFILES, folder), ...REG]);
    expect(run.stderr).toBe('');
    expect(patchFindings(run.stdout)).toEqual([
      {
        rule: 'patched-dependency',
        code: 'patched-dependency',
        severity: 'low',
        message: `patched by ${file} before its install scripts run: what is installed is not what the registry serves`,
        package: { name: 'dw-core', version: '2.0.0', location: 'node_modules/dw-core' },
        path: ['dw-core'],
        at: { uri: expect.stringMatching(new RegExp(`${lockfile.replace('.', '\\.')}$`)), line: expect.any(Number) },
        details: { file },
      },
    ]);
    const text = readFileSync(join(LOCKFILES, folder, lockfile), 'utf8').split('\n');
    expect(text[patchFindings(run.stdout)[0]!.at!.line - 1]).toContain('dw-core');
  });

  it.each(PATCHED)(
    '%s: a patch file the lockfile names but the project lacks fails closed (medium, cannot be judged)',
    async (folder, _lockfile, path, file) => {
      const dir = copy(folder);
      rmSync(join(dir, path));
      const run = await depwarden(['check', dir, ...REG]);
      expect(patchFindings(run.stdout).map(({ code, severity, package: { location }, details }) => ({ code, severity, location, details }))).toEqual([
        { code: 'patch-unreadable', severity: 'medium', location: 'node_modules/dw-core', details: { file, problem: 'the file does not exist' } },
      ]);
      // medium fails with --fail-on medium, as everything that cannot be judged does.
      expect((await depwarden(['check', dir, ...REG, '--fail-on', 'medium'])).status).toBe(1);
    },
  );

  it.each(PATCHED)('%s: a patch that gives the package a postinstall is high', async (folder, lockfile, path, file) => {
    const dir = copy(folder);
    writeFileSync(join(dir, path), POSTINSTALL);
    const run = await depwarden(['check', dir, ...REG]);
    expect(run.status).toBe(1);
    const found = patchFindings(run.stdout).map(({ code, severity, details }) => ({ code, severity, details }));
    expect(found).toContainEqual({
      code: 'patch-adds-install-script',
      severity: 'high',
      details: { file, script: 'postinstall', command: 'node -e \\"fetch(1)\\"' },
    });
    // pnpm and yarn berry hashed the file they wrote: the lockfile no longer matches it (bun records no hash).
    expect(found.map(({ code }) => code).sort()).toEqual(
      lockfile === 'bun.lock' ? ['patch-adds-install-script'] : ['patch-adds-install-script', 'patch-hash-mismatch'],
    );
  });
});

describe('a patch file outside the project', () => {
  // The lockfile (and package.json) point the manager at `../…`, at an absolute path, or at a symlink that leads out.
  // The file there would add a postinstall if it were read: depwarden must not read it, and says where it points.
  const pointed = (folder: string, lockfile: string, path: string, to: (dir: string, outside: string) => string) => {
    const dir = copy(folder);
    const outside = join(tempDir('outside'), 'evil.patch');
    writeFileSync(outside, POSTINSTALL);
    const target = to(dir, outside);
    for (const file of [lockfile, 'package.json']) writeFileSync(join(dir, file), readFileSync(join(dir, file), 'utf8').replaceAll(path, target));
    return dir;
  };
  const outsideFindings = async (dir: string) =>
    patchFindings((await depwarden(['check', dir, ...REG])).stdout).map(({ code, severity, details }) => ({ code, severity, details }));

  it.each(PATCHED)('%s: ../ and absolute paths are a high finding, and the file is never read', async (folder, lockfile, path) => {
    const relativeDir = pointed(folder, lockfile, path, (dir, outside) => relative(dir, outside));
    const relativeFindings = await outsideFindings(relativeDir);
    expect(relativeFindings).toEqual([{ code: 'patch-outside-project', severity: 'high', details: { file: expect.stringMatching(/^\.\.\/.*evil\.patch$/) } }]);
    const absoluteDir = pointed(folder, lockfile, path, (_dir, outside) => outside);
    expect(await outsideFindings(absoluteDir)).toEqual([
      { code: 'patch-outside-project', severity: 'high', details: { file: expect.stringMatching(/^\/.*evil\.patch$/) } },
    ]);
  });

  it.each(PATCHED)('%s: a patch file that is a symlink out of the project is not followed', async (folder, _lockfile, path, file) => {
    const dir = copy(folder);
    const outside = join(tempDir('outside'), 'evil.patch');
    writeFileSync(outside, POSTINSTALL);
    rmSync(join(dir, path));
    symlinkSync(outside, join(dir, path));
    expect(await outsideFindings(dir)).toEqual([{ code: 'patch-outside-project', severity: 'high', details: { file } }]);
  });
});

describe('review of a change to a patch', () => {
  const GIT_ENV = { PATH: process.env.PATH, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: GIT_ENV });

  it('bun: a change to the patch file alone (bun.lock unchanged) is reported at the patch file; an unrelated change is not', async () => {
    const dir = copy('bun');
    rmSync(join(dir, 'before'), { recursive: true });
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '-A');
    git(dir, '-c', 'user.name=t', '-c', 'user.email=t@example.test', '-c', 'maintenance.auto=false', 'commit', '-qm', 'base');
    writeFileSync(join(dir, 'README.md'), 'unrelated\n');
    const unrelated = await depwarden(['review', ...REG], { cwd: dir });
    expect([unrelated.status, patchFindings(unrelated.stdout)]).toEqual([0, []]);

    writeFileSync(join(dir, 'patches/dw-core@2.0.0.patch'), POSTINSTALL);
    const run = await depwarden(['review', ...REG], { cwd: dir });
    expect(run.status).toBe(1);
    // At the patch file, the part of the change a pull request shows (bun.lock's entry did not change).
    expect(patchFindings(run.stdout).map(({ code, at }) => ({ code, at }))).toEqual([
      { code: 'patch-adds-install-script', at: { uri: 'patches/dw-core@2.0.0.patch', line: 1 } },
    ]);
  });
});
