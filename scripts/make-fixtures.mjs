#!/usr/bin/env node
// Regenerates the npm-produced fixtures under test/fixtures/ with the real npm CLI against a local verdaccio,
// a local tarball server and a local git repository. Hosts are then rewritten to placeholders
// (registry.example.test, attacker.example.test, git.example.test) so no fixture names a real host.
// Usage: node scripts/make-fixtures.mjs
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORE_PACKAGES, publishPackages, writePackage, startTarballServer } from '../test/support/fixture-packages.mjs';
import { startRegistry } from '../test/support/registry.mjs';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures');
const work = mkdtempSync(join(tmpdir(), 'depwarden-fixtures-'));

const registry = await startRegistry();
const tarballs = await startTarballServer(join(work, 'served'));
const tarballHost = tarballs.host;

try {
  // The registry's packages.
  const published = [
    ...CORE_PACKAGES,
    { name: 'dw-phantom', version: '1.0.0', dependencies: { 'dw-payload': `http://${tarballHost}/dw-payload-1.0.0.tgz` } },
    { name: 'dw-middle', version: '1.0.0', dependencies: { 'dw-phantom': '^1.0.0' } },
  ];
  await publishPackages(registry, join(work, 'pkg'), published);

  // A URL tarball (never in the registry) and a git repository.
  const payload = writePackage(join(work, 'pkg', 'dw-payload'), { name: 'dw-payload', version: '1.0.0' });
  execFileSync('npm', ['pack', '--pack-destination', join(work, 'served')], { cwd: payload, stdio: 'ignore' });
  const gitRepo = writePackage(join(work, 'git', 'dw-gitdep'), { name: 'dw-gitdep', version: '0.1.0' });
  for (const args of [
    ['init', '-q', '-b', 'main'],
    ['add', '.'],
    ['-c', 'user.name=t', '-c', 'user.email=t@example.test', 'commit', '-qm', 'init'],
  ]) {
    execFileSync('git', args, { cwd: gitRepo });
  }

  const basic = {
    name: 'basic-app',
    version: '1.0.0',
    dependencies: { 'dw-util': '^1.0.0', 'dw-core': '^2.0.0' },
    devDependencies: { 'dw-dev': '^1.0.0' },
  };
  const projects = {
    'npm-v1': { manifest: basic, args: ['install', '--package-lock-only', '--lockfile-version', '1'] },
    'npm-v2': { manifest: basic, args: ['install', '--package-lock-only', '--lockfile-version', '2'] },
    'npm-v3': { manifest: basic, args: ['install', '--package-lock-only', '--lockfile-version', '3'] },
    shrinkwrap: { manifest: basic, args: ['install', '--package-lock-only'], then: ['shrinkwrap'] },
    'node-modules': { manifest: basic, args: ['install', '--ignore-scripts'] },
    workspaces: {
      manifest: { name: 'monorepo', version: '1.0.0', private: true, workspaces: ['packages/*'], devDependencies: { 'dw-dev': '^1.0.0' } },
      workspaces: {
        'packages/ws-a': { name: 'ws-a', version: '1.0.0', dependencies: { 'ws-b': '^1.0.0', 'dw-core': '^1.0.0' } },
        'packages/ws-b': { name: 'ws-b', version: '1.0.0', dependencies: { 'dw-core': '^2.0.0' } },
      },
      args: ['install', '--package-lock-only'],
    },
    'risky/app': {
      manifest: {
        name: 'risky-app',
        version: '1.0.0',
        dependencies: {
          'dw-middle': '^1.0.0',
          'dw-gitdep': `git+file://${gitRepo}`,
          'dw-alias': 'npm:dw-core@^2.0.0',
          'outside-lib': 'file:../outside-lib',
        },
      },
      beside: { 'risky/outside-lib': { name: 'outside-lib', version: '1.0.0' } },
      args: ['install', '--package-lock-only'],
    },
  };

  for (const [name, project] of Object.entries(projects)) {
    const dir = join(work, 'projects', name);
    writePackage(dir, project.manifest, {});
    rmSync(join(dir, 'index.js'));
    for (const [path, manifest] of Object.entries(project.workspaces ?? {})) writePackage(join(dir, path), manifest);
    for (const [path, manifest] of Object.entries(project.beside ?? {})) writePackage(join(work, 'projects', path), manifest);
    for (const args of [project.args, project.then].filter(Boolean)) {
      const result = registry.npm(args, { cwd: dir });
      if (result.status !== 0) throw new Error(`npm ${args.join(' ')} in ${name} failed: ${result.stderr}`);
    }
  }

  const rewrite = (text) =>
    text
      .replaceAll(registry.url, 'https://registry.example.test/')
      .replaceAll(`http://${tarballHost}/`, 'http://attacker.example.test/')
      .replaceAll(`git+file://${gitRepo}`, 'git+ssh://git@git.example.test/dw/dw-gitdep.git');
  for (const name of [...Object.keys(projects), 'risky/outside-lib']) {
    const target = join(FIXTURES, name);
    rmSync(target, { recursive: true, force: true });
    cpSync(join(work, 'projects', name), target, { recursive: true });
    rewriteTree(target, rewrite);
  }
  console.log(`fixtures written under ${FIXTURES}`);
} finally {
  tarballs.stop();
  await registry.stop();
  rmSync(work, { recursive: true, force: true });
}

function rewriteTree(dir, rewrite) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) rewriteTree(path, rewrite);
    else if (/\.json$/.test(entry)) writeFileSync(path, rewrite(readFileSync(path, 'utf8')));
  }
}
