import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ISOLATED_ENV } from '../support/check.js';
import { depwardenInProcess as depwarden } from '../support/cli.js';
import { tempDir } from '../support/temp.js';
import { BIN, FIXTURES } from '../support/paths.js';

const REG = ['--registry', 'https://registry.example.test/', '--offline'];

/** A git repository with a first commit of `base` files, then `change` written to the working tree. */
function repository(base: Record<string, string>, change: Record<string, string> = {}): string {
  const dir = tempDir('review');
  const write = (files: Record<string, string>) => {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
  };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  write(base);
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.test', '-c', 'maintenance.auto=false', 'commit', '-qm', 'base');
  write(change);
  return dir;
}

const manifest = (dependencies: Record<string, string>) => `${JSON.stringify({ name: 'app', version: '1.0.0', dependencies }, null, 2)}\n`;
const findings = (stdout: string) =>
  (JSON.parse(stdout) as { findings: { severity: string; rule: string; package: { name: string }; at?: { uri: string; line: number } }[] }).findings.map(
    (finding) => `${finding.severity} ${finding.rule} ${finding.package.name}${finding.at ? ` ${finding.at.uri}:${finding.at.line}` : ''}`,
  );

describe('depwarden review (real git repositories)', () => {
  it('an import of a near-miss name that nothing declares', async () => {
    const dir = repository({ 'package.json': manifest({}) }, { 'src/server.js': "import express from 'expresss';\nimport path from 'node:path';\n" });
    const run = await depwarden(['review', ...REG, '--format', 'json'], { cwd: dir });
    expect(run.status).toBe(1);
    expect(findings(run.stdout)).toEqual(['high near-miss-name expresss src/server.js:1', 'medium undeclared-import expresss src/server.js:1']);
  });

  it('an unregistered package added to package.json and to code: the name is the finding, the import is declared', async () => {
    const name = 'react-native-utils-helper-for-depwarden-tests';
    const dir = repository(
      { 'package.json': manifest({ lodash: '^4.17.21' }) },
      { 'package.json': manifest({ lodash: '^4.17.21', [name]: '^1.0.0' }), 'src/app.ts': `import { helper } from '${name}';\n` },
    );
    // npm's default registry (the public one) applies, so its offline name record speaks.
    const run = await depwarden(['review', '--offline', '--format', 'json'], { cwd: dir });
    expect(run.status).toBe(1);
    expect(findings(run.stdout)).toEqual([`high unregistered-name ${name} package.json:6`]);
  });

  it('a Unicode look-alike name: refused in package.json as npm refuses it, an undeclared import in code (no squat, no registry look-up)', async () => {
    const declared = repository({ 'package.json': manifest({}) }, { 'package.json': manifest({ 'l\u043edash': '^4.17.21' }) });
    expect(await depwarden(['review', ...REG], { cwd: declared })).toEqual({
      status: 2,
      stdout: '',
      stderr:
        'depwarden: package.json: line 5: the dependency "l\\u{43e}dash" is not a package name npm would install (name can only contain URL-friendly characters; \\u{43e} is outside ASCII, a look-alike or invisible character)\n',
    });
    const imported = repository({ 'package.json': manifest({}) }, { 'src/a.js': "require('lod\u200bash');\n" });
    const run = await depwarden(['review', ...REG, '--format', 'json'], { cwd: imported });
    expect(findings(run.stdout)).toEqual(['medium undeclared-import lod\u200bash src/a.js:1']);
  });

  it('a URL dependency added to package.json', async () => {
    const dir = repository({ 'package.json': manifest({}) }, { 'package.json': manifest({ payload: 'http://attacker.example.test/payload.tgz' }) });
    const run = await depwarden(['review', ...REG, '--format', 'json'], { cwd: dir });
    expect(findings(run.stdout)).toEqual(['high url-dependency payload package.json:5', 'high insecure-protocol payload package.json:5']);
  });

  it('a change that only touches pre-existing risky dependencies introduces nothing', async () => {
    const risky = manifest({ payload: 'http://attacker.example.test/payload.tgz', lodahs: '^1.0.0' });
    const dir = repository(
      { 'package.json': risky, 'README.md': 'hi\n' },
      { 'package.json': risky.replace('"version": "1.0.0"', '"version": "1.1.0"'), 'README.md': 'hello\n' },
    );
    const run = await depwarden(['review', ...REG], { cwd: dir });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('No findings.');
  });

  it('TypeScript: type-only imports are low, path aliases and workspace packages are not packages', async () => {
    const dir = repository(
      {
        'package.json': `${JSON.stringify({ name: 'mono', private: true, workspaces: ['packages/*'], dependencies: {} }, null, 2)}\n`,
        'packages/ui/package.json': `${JSON.stringify({ name: '@mono/ui', version: '1.0.0', dependencies: { react: '^18' } }, null, 2)}\n`,
        'tsconfig.json': '{\n  // aliases\n  "compilerOptions": { "paths": { "@app/*": ["src/*"], }, },\n}\n',
      },
      {
        'packages/ui/src/button.tsx': [
          "import type { Props } from 'some-undeclared-types';",
          "import React from 'react';",
          "import { util } from '@app/util';",
          "import { theme } from '@mono/ui';",
          'export const Button = (p: Props) => <button>{util(theme)}</button>;',
          '',
        ].join('\n'),
      },
    );
    const run = await depwarden(['review', ...REG, '--format', 'json'], { cwd: dir });
    expect(findings(run.stdout)).toEqual(['low undeclared-import some-undeclared-types packages/ui/src/button.tsx:1']);
  });

  it('a malformed file is reported as unparsable, and the rest is still checked', async () => {
    const dir = repository({ 'package.json': manifest({}) }, { 'src/broken.js': 'const = ;\n', 'src/ok.js': "require('lodahs');\n" });
    const run = await depwarden(['review', ...REG], { cwd: dir });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('notice: src/broken.js could not be parsed (Unexpected token (1:6)): its imports were not checked');
    expect(run.stdout).toContain('lodahs  [near-miss-name]');
  });

  it('a lockfile change: only findings the new lockfile introduced', async () => {
    const base = {
      'package.json': `${JSON.stringify(JSON.parse(require_('npm-v3/package.json')), null, 2)}\n`,
      'package-lock.json': require_('npm-v3/package-lock.json'),
    };
    const dir = repository(base, { 'package-lock.json': require_('tampered-v3/package-lock.json') });
    const run = await depwarden(['review', ...REG, '--format', 'json'], { cwd: dir });
    expect(findings(run.stdout)).toEqual([
      'critical resolved-mismatch dw-core package-lock.json:18',
      'high missing-integrity dw-dev package-lock.json:23',
      'medium weak-integrity dw-util package-lock.json:28',
    ]);
  });

  it("the header names the formats judged: a changed lockfile's, names added, or none", async () => {
    const lockfileOnly = repository(
      { 'package.json': manifest({}) },
      { 'package.json': require_('npm-v3/package.json'), 'package-lock.json': require_('npm-v3/package-lock.json') },
    );
    const namesOnly = repository({ 'package.json': manifest({}) }, { 'package.json': manifest({ lodahs: '^1.0.0' }) });
    const nothing = repository({ 'package.json': manifest({}) }, { 'README.md': 'docs\n' });
    const header = async (dir: string) => (await depwarden(['review', ...REG], { cwd: dir })).stdout.split('\n')[0];
    expect(await header(lockfileOnly)).toBe('depwarden: checked 4 packages in (change) (npm-lockfile-v3)');
    expect(await header(namesOnly)).toBe('depwarden: checked 1 package in (change) (names)');
    // Offline, with a registry the name record does not describe, the name's existence was not judged: said in the report.
    expect((await depwarden(['review', ...REG], { cwd: namesOnly })).stdout).toContain(
      "unregistered names: not checked for 1 dependency from https://registry.example.test/ (lodahs): offline, npm's cache does not hold them, and depwarden's name record describes only the public registry",
    );
    expect(await header(nothing)).toBe('depwarden: checked 0 packages in (change) (no dependency changes)');
    const json = JSON.parse((await depwarden(['review', ...REG, '--format', 'json'], { cwd: lockfileOnly })).stdout) as { source: object };
    expect(json.source).toEqual({ file: '(change)', format: 'names', packages: 4, formats: ['npm-lockfile-v3'] });
  });

  it('reads a unified diff from standard input (git diff | depwarden review --diff -)', async () => {
    const dir = repository(
      { 'package.json': manifest({}), 'src/a.js': "const a = require('./a');\n" },
      { 'src/a.js': "const a = require('./a');\nconst x = require('lodahs');\n" },
    );
    const diff = execFileSync('git', ['diff'], { cwd: dir, encoding: 'utf8' });
    const run = spawnSync(process.execPath, [BIN, 'review', '--diff', '-', ...REG, '--format', 'github'], {
      cwd: dir,
      input: diff,
      encoding: 'utf8',
      env: ISOLATED_ENV,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('::error file=src/a.js,line=2,title=depwarden near-miss-name%3A lodahs::looks like "lodash"');
  });

  it('markdown: a short table for a pull-request comment', async () => {
    const dir = repository({ 'package.json': manifest({}) }, { 'src/a.mjs': "import x from 'lodahs';\n" });
    const run = await depwarden(['review', ...REG, '--format', 'markdown'], { cwd: dir });
    expect(run.stdout).toContain('| severity | package | rule | why | fix |');
    expect(run.stdout).toContain('| high | `lodahs` | near-miss-name | looks like "lodash"');
  });

  it('the policy allowlist applies, and what it removed is counted', async () => {
    const dir = repository(
      {
        'package.json': manifest({}),
        '.depwardenrc.json': JSON.stringify({
          allow: [
            { package: 'lodahs', rule: 'near-miss-name', reason: 'our fork' },
            { package: 'lodahs', rule: 'undeclared-import', reason: 'vendored' },
          ],
        }),
      },
      { 'src/a.js': "require('lodahs');\n" },
    );
    const run = await depwarden(['review', ...REG], { cwd: dir });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('No findings, 2 allowed by policy.');
  });

  it('outside a git repository, and for a bad revision, one clear error', async () => {
    const plain = tempDir('not-git');
    cpSync(join(FIXTURES, 'npm-v3'), plain, { recursive: true });
    expect(await depwarden(['review', ...REG], { cwd: plain })).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/^depwarden: git rev-parse failed: fatal: not a git repository/),
    });
    const dir = repository({ 'package.json': manifest({}) });
    // Options are checked before git is asked anything.
    expect(await depwarden(['review', '--format', 'bogus', ...REG], { cwd: plain })).toEqual({
      status: 2,
      stdout: '',
      stderr: 'depwarden: --format must be one of text, json, sarif, markdown, github; found "bogus"\n',
    });
    expect(await depwarden(['review', '--base', 'no-such-rev', ...REG], { cwd: dir })).toMatchObject({
      status: 2,
      stderr: 'depwarden: "no-such-rev" is not a commit of this repository (a branch, tag or commit id)\n',
    });
  });
});

function require_(fixture: string): string {
  return execFileSync('cat', [join(FIXTURES, fixture)], { encoding: 'utf8' });
}
