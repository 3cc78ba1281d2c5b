import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { depwardenInProcess as depwarden } from '../support/cli.js';
import { FIXTURES } from '../support/paths.js';
import { tempDir } from '../support/temp.js';

// Each fixture folder holds one project locked by the real package manager twice: `before/` without the near-miss
// `expresss` and the tarball URL `dw-payload`, then the manager's own update of that lockfile adding both.
const LOCKFILES = join(FIXTURES, 'lockfiles');
const REG = ['--registry', 'https://registry.example.test/', '--offline', '--format', 'json'];
const GIT_ENV = { PATH: process.env.PATH, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
const FORMATS = [
  ['npm', 'package-lock.json'],
  ['yarn-classic', 'yarn.lock'],
  ['yarn-berry', 'yarn.lock'],
  ['pnpm-v5', 'pnpm-lock.yaml'],
  ['pnpm-v6', 'pnpm-lock.yaml'],
  ['pnpm-v9', 'pnpm-lock.yaml'],
  ['bun', 'bun.lock'],
] as const;
type Folder = (typeof FORMATS)[number][0];

/** What each lockfile says of dw-payload's integrity: yarn classic pins it by sha1, pnpm by nothing. */
const PAYLOAD_INTEGRITY: Partial<Record<Folder, string>> = {
  'yarn-classic': 'weak-integrity',
  'pnpm-v5': 'missing-integrity',
  'pnpm-v6': 'missing-integrity',
  'pnpm-v9': 'missing-integrity',
};

/** The patch file each manager with a patch mechanism wrote for dw-core 2.0.0 (npm and yarn classic have none). */
const PATCH_FILES: Partial<Record<Folder, string>> = {
  'yarn-berry': '.yarn/patches/dw-core-npm-2.0.0-4a9a7367a2.patch',
  'pnpm-v5': 'patches/dw-core@2.0.0.patch',
  'pnpm-v6': 'patches/dw-core@2.0.0.patch',
  'pnpm-v9': 'patches/dw-core@2.0.0.patch',
  bun: 'patches/dw-core@2.0.0.patch',
};

const fixture = (folder: string, file: string): string => readFileSync(join(LOCKFILES, folder, file), 'utf8');
const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8', env: GIT_ENV });

/** A repository whose commit is the project `before`, with the manager's update written to the working tree. */
function changedRepository(folder: string, lockfile: string, overrides: { base?: Record<string, string>; head?: Record<string, string> } = {}): string {
  const dir = tempDir(`review-${folder}`);
  const write = (files: Record<string, string>) => {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
  };
  const shared = { 'packages/ws-a/package.json': fixture(folder, 'packages/ws-a/package.json') };
  if (existsSync(join(LOCKFILES, folder, 'pnpm-workspace.yaml'))) Object.assign(shared, { 'pnpm-workspace.yaml': fixture(folder, 'pnpm-workspace.yaml') });
  git(dir, 'init', '-q', '-b', 'main');
  write({ ...shared, 'package.json': fixture(folder, 'before/package.json'), [lockfile]: fixture(folder, `before/${lockfile}`), ...overrides.base });
  git(dir, 'add', '-A');
  git(dir, '-c', 'user.name=t', '-c', 'user.email=t@example.test', '-c', 'maintenance.auto=false', 'commit', '-qm', 'before');
  const patch = PATCH_FILES[folder as Folder];
  write({
    'package.json': fixture(folder, 'package.json'),
    [lockfile]: fixture(folder, lockfile),
    ...(patch ? { [patch]: fixture(folder, patch) } : {}),
    ...overrides.head,
  });
  return dir;
}

interface JsonFinding {
  rule: string;
  package: { name: string; location: string; version: string | null };
  at?: { uri: string; line: number };
}
const findingsOf = (stdout: string): JsonFinding[] => (JSON.parse(stdout) as { findings: JsonFinding[] }).findings;
const shown = (findings: JsonFinding[]) => findings.map((finding) => `${finding.rule} ${finding.package.name} ${finding.at?.uri}:${finding.at?.line}`).sort();

/**
 * The line where a package's entry starts in a lockfile, found by each format's look (not by depwarden's code): npm's
 * `"node_modules/x": {`, yarn's unindented descriptor line, pnpm's two-space key under `packages:`, bun's
 * `"x": [` under `"packages"`.
 */
function entryLine(folder: Folder, text: string, finding: JsonFinding): number {
  const { name, location, version } = finding.package;
  const installName = location.replace(/^.*node_modules\//, '');
  const lines = text.split('\n');
  let section = '';
  for (const [index, line] of lines.entries()) {
    if (/^\S/.test(line)) section = line;
    if (/^ {2}"\w/.test(line)) section = line;
    const found =
      folder === 'npm'
        ? line === `    "${location}": {`
        : folder.startsWith('yarn')
          ? /^[^\s#].*:$/.test(line) &&
            new RegExp(`(^|[", ])${installName}@`).test(line) &&
            (line.includes('@patch:') || !text.includes(`"${installName}@patch:`))
          : folder.startsWith('pnpm')
            ? section === 'packages:' && /^ {2}\S/.test(line) && line.includes(name) && (line.includes(`${version}`) || !/\d+\.\d+\.\d+:?$/.test(line))
            : section.startsWith('  "packages"') && line.startsWith(`    "${installName}": [`);
    if (found) return index + 1;
  }
  throw new Error(`${folder}: no entry for ${location} in the lockfile`);
}

describe('review of a lockfile change, in every format written by its real package manager', () => {
  it.each(FORMATS)(
    '%s (%s): only the near-miss, the tarball URL and (where the manager has patches) the patch the change added, each where the change made it',
    async (folder, lockfile) => {
      const dir = changedRepository(folder, lockfile);
      const expected = (text: string) => {
        const at = (name: string, location: string) => entryLine(folder, text, { rule: '', package: { name, location, version: '1.0.0' } });
        return [
          `near-miss-name expresss ${lockfile}:${at('expresss', 'node_modules/expresss')}`,
          `url-dependency dw-payload ${lockfile}:${at('dw-payload', 'node_modules/dw-payload')}`,
          ...(PAYLOAD_INTEGRITY[folder] ? [`${PAYLOAD_INTEGRITY[folder]} dw-payload ${lockfile}:${at('dw-payload', 'node_modules/dw-payload')}`] : []),
          // The patch the change added: at the patch file, the part of the change a pull request shows.
          ...(PATCH_FILES[folder] ? [`patched-dependency dw-core ${PATCH_FILES[folder]}:1`] : []),
        ].sort();
      };
      const head = fixture(folder, lockfile);

      const fromGit = await depwarden(['review', ...REG], { cwd: dir });
      expect([fromGit.status, fromGit.stderr]).toEqual([1, '']);
      expect(shown(findingsOf(fromGit.stdout))).toEqual(expected(head));
      // The packages judged are the changed lockfile's, as check counts them (the header said 0).
      const checked = await depwarden(['check', '--lockfile', lockfile, ...REG], { cwd: dir });
      expect(JSON.parse(fromGit.stdout).source.packages).toBe(JSON.parse(checked.stdout).source.packages);

      // The same change as a diff, new files included (as a pull request's): its other end rebuilt from the working tree's copy.
      const diffFile = join(tempDir('diff'), 'change.diff');
      git(dir, 'add', '--intent-to-add', '.');
      writeFileSync(diffFile, git(dir, 'diff'));
      const fromDiff = await depwarden(['review', '--diff', diffFile, ...REG], { cwd: dir });
      expect([fromDiff.status, fromDiff.stderr]).toEqual([1, '']);
      expect(shown(findingsOf(fromDiff.stdout))).toEqual(expected(head));

      // Undone (the working tree back at `before`, the change committed): removing them introduces nothing.
      git(dir, 'add', '-A');
      git(dir, '-c', 'user.name=t', '-c', 'user.email=t@example.test', '-c', 'maintenance.auto=false', 'commit', '-qm', 'after');
      writeFileSync(join(dir, lockfile), fixture(folder, `before/${lockfile}`));
      writeFileSync(join(dir, 'package.json'), fixture(folder, 'before/package.json'));
      const undone = await depwarden(['review', '--base', 'HEAD', ...REG], { cwd: dir });
      expect([undone.status, findingsOf(undone.stdout)]).toEqual([0, []]);
    },
  );

  it.each(FORMATS)('%s (%s): a base it cannot read locked nothing, so every finding at head is reported', async (folder, lockfile) => {
    const dir = changedRepository(folder, lockfile, { base: { [lockfile]: '{{{ not a lockfile\n' } });
    const run = await depwarden(['review', ...REG], { cwd: dir });
    expect(run.status).toBe(1);
    // What the project had before the change (the alias, the git dependency) is reported too.
    expect(shown(findingsOf(run.stdout)).map((finding) => finding.split(' ').slice(0, 2).join(' '))).toEqual(
      expect.arrayContaining(['alias-dependency dw-core', 'git-dependency dw-gitdep', 'near-miss-name expresss', 'url-dependency dw-payload']),
    );
  });

  it.each(FORMATS)('%s (%s): a head it cannot read is a notice, and what package.json adds is judged by name', async (folder, lockfile) => {
    const dir = changedRepository(folder, lockfile, { head: { [lockfile]: '{{{ not a lockfile\n' } });
    const run = await depwarden(['review', ...REG], { cwd: dir });
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as { summary: { notices: { file: string; message: string }[] } };
    expect(report.summary.notices).toEqual([{ file: lockfile, message: expect.stringMatching(/^not checked as a lockfile: /) }]);
    expect(shown(findingsOf(run.stdout))).toEqual(expect.arrayContaining([expect.stringMatching(/^near-miss-name expresss package\.json:\d+$/)]));
  });

  it('a tampered resolution under an unchanged version is new even though the base had the same finding key', async () => {
    const lockfile = 'yarn.lock';
    const tamper = (text: string, host: string) =>
      text.replace(/resolved "https:\/\/registry\.example\.test\/dw-dev\/[^"]*"/, `resolved "https://${host}/dw-dev.tgz"`);
    const base = tamper(fixture('yarn-classic', 'before/yarn.lock'), 'one.example.test');
    const head = tamper(fixture('yarn-classic', 'before/yarn.lock'), 'two.example.test');
    expect(base).not.toBe(head);
    const dir = changedRepository('yarn-classic', lockfile, {
      base: { [lockfile]: base },
      head: { [lockfile]: head, 'package.json': fixture('yarn-classic', 'before/package.json') },
    });
    const run = await depwarden(['review', ...REG], { cwd: dir });
    expect(run.status).toBe(1);
    expect(findingsOf(run.stdout).map((finding) => `${finding.rule} ${finding.package.name}`)).toEqual(['foreign-registry dw-dev']);
  });
});

describe('a change that deletes the lockfile', () => {
  const deletion = (finding: JsonFinding & { code?: string; details?: unknown }) => `${finding.rule} ${finding.code} ${finding.at?.uri}:${finding.at?.line}`;
  /** The project `before`, committed; the working tree deletes its lockfile (and whatever else `edit` does). */
  const deleted = (folder: Folder, lockfile: string, edit: (dir: string) => void = () => {}): string => {
    const dir = changedRepository(folder, lockfile, { head: { 'package.json': fixture(folder, 'before/package.json') } });
    rmSync(join(dir, lockfile));
    edit(dir);
    return dir;
  };
  const diffOf = (dir: string): string => {
    const file = join(tempDir('diff'), 'change.diff');
    writeFileSync(file, git(dir, 'diff'));
    return file;
  };

  it.each(FORMATS.filter(([folder]) => ['npm', 'yarn-classic', 'pnpm-v9', 'bun'].includes(folder)))(
    '%s (%s): is a lockfile-out-of-sync finding at package.json, from git and from a diff',
    async (folder, lockfile) => {
      const dir = deleted(folder, lockfile);
      const declared = ['dependencies', 'devDependencies', 'optionalDependencies'].reduce(
        (count, field) => count + Object.keys((JSON.parse(fixture(folder, 'before/package.json')) as Record<string, object>)[field] ?? {}).length,
        0,
      );
      const expected = ['lockfile-out-of-sync lockfile-deleted package.json:1'];
      const fromGit = await depwarden(['review', ...REG], { cwd: dir });
      expect([fromGit.status, fromGit.stderr]).toEqual([0, '']);
      const findings = findingsOf(fromGit.stdout) as (JsonFinding & { code: string; severity: string; details: unknown })[];
      expect(findings.map(deletion)).toEqual(expected);
      expect([findings[0]!.severity, findings[0]!.details]).toEqual(['medium', { lockfile, manifest: 'package.json', dependencies: declared }]);
      // medium: it fails a review run with --fail-on medium.
      expect((await depwarden(['review', ...REG, '--fail-on', 'medium'], { cwd: dir })).status).toBe(1);

      const fromDiff = await depwarden(['review', '--diff', diffOf(dir), ...REG], { cwd: dir });
      expect([fromDiff.status, fromDiff.stderr]).toEqual([0, '']);
      expect(findingsOf(fromDiff.stdout).map(deletion)).toEqual(expected);
    },
  );

  it('what package.json adds in the same change is still judged by name', async () => {
    const dir = deleted('yarn-classic', 'yarn.lock', (at) => writeFileSync(join(at, 'package.json'), fixture('yarn-classic', 'package.json')));
    for (const args of [[], ['--diff', diffOf(dir)]]) {
      const run = await depwarden(['review', ...args, ...REG], { cwd: dir });
      expect(run.status).toBe(1);
      expect(findingsOf(run.stdout).map((finding) => `${finding.rule} ${finding.package.name}`)).toEqual(
        expect.arrayContaining(['lockfile-out-of-sync lock-app', 'near-miss-name expresss', 'url-dependency dw-payload']),
      );
    }
  });

  it('is no finding when the project goes with it, or keeps a lockfile its manager reads', async () => {
    const npmLock = fixture('npm', 'before/package-lock.json');
    const cases: [string, string[], (dir: string) => void][] = [
      ['the project removed', [], (dir) => rmSync(join(dir, 'package.json'))],
      ['replaced by npm’s lockfile', [], (dir) => writeFileSync(join(dir, 'package-lock.json'), npmLock)],
      [
        'an npm lockfile left, but package.json names yarn, which does not read it',
        ['lockfile-out-of-sync lockfile-deleted package.json:1'],
        (dir) => {
          writeFileSync(join(dir, 'package-lock.json'), npmLock);
          const manifest = JSON.parse(fixture('yarn-classic', 'before/package.json')) as object;
          writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...manifest, packageManager: 'yarn@1.22.22' }, null, 2));
        },
      ],
    ];
    for (const [label, expected, edit] of cases) {
      const dir = deleted('yarn-classic', 'yarn.lock', edit);
      for (const args of [[], ['--diff', diffOf(dir)]]) {
        const run = await depwarden(['review', ...args, ...REG], { cwd: dir });
        const found = findingsOf(run.stdout) as (JsonFinding & { code: string })[];
        expect(found.filter((finding) => finding.code === 'lockfile-deleted').map(deletion), `${label} ${args.join(' ')}`).toEqual(expected);
      }
    }
  });
});

describe('SARIF and JSON point at the entry of each package in the lockfile of every format', () => {
  it.each(FORMATS)('%s (%s)', async (folder, lockfile) => {
    const dir = join(LOCKFILES, folder);
    const text = fixture(folder, lockfile);
    const json = await depwarden(['check', dir, ...REG]);
    const sarif = await depwarden(['check', dir, ...REG.slice(0, -1), 'sarif']);
    const findings = findingsOf(json.stdout);
    const results = (
      JSON.parse(sarif.stdout) as {
        runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[];
      }
    ).runs[0]!.results;
    expect(new Set(findings.map((finding) => finding.package.location))).toEqual(
      new Set([
        'node_modules/dw-alias',
        'node_modules/dw-gitdep',
        'node_modules/dw-payload',
        'node_modules/expresss',
        ...(PATCH_FILES[folder] ? ['node_modules/dw-core'] : []),
      ]),
    );
    expect(results).toHaveLength(findings.length);
    findings.forEach((finding, index) => {
      const line = entryLine(folder, text, finding);
      expect(finding.at, `${finding.rule} ${finding.package.location}`).toEqual({ uri: expect.stringMatching(new RegExp(`${lockfile}$`)), line });
      expect(results[index]!.locations[0]!.physicalLocation.region.startLine, `${finding.rule} ${finding.package.location}`).toBe(line);
    });
  });
});
