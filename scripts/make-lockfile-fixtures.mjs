#!/usr/bin/env node
// Writes the lockfiles of yarn classic, yarn berry, pnpm (lockfile 5.4, 6.0, 9.0) and bun for one project, with
// the real package managers against a local verdaccio, a local tarball server and a local git repository served by
// `git daemon` (git://, which every manager fetches), plus npm's for comparison. Each manager first locks the project
// without the near-miss and the tarball URL (`<format>/before/`), then adds them to that lockfile, as a pull request
// would: `depwarden review` is tested on that change.
// The managers are installed from the npm registry into a temporary folder (as measure-hook-order.mjs does);
// hosts are then rewritten to placeholders so no fixture names a real host. Output: test/fixtures/lockfiles/<format>/.
// Each manager that has a patch mechanism (pnpm 7+, bun, yarn berry) then patches dw-core with its own commands.
// Usage: node scripts/make-lockfile-fixtures.mjs (DW_TOOLS: managers installed already; DW_ONLY=pnpm-v9,bun: only
// those folders; DW_KEEP=1: keep the temporary folder)
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORE_PACKAGES, publishPackages, writePackage, startTarballServer } from '../test/support/fixture-packages.mjs';
import { freePort, startRegistry } from '../test/support/registry.mjs';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'lockfiles');
const work = mkdtempSync(join(tmpdir(), 'depwarden-lockfile-fixtures-'));
// DW_TOOLS: a folder where these managers are installed already.
const tools = process.env.DW_TOOLS ?? join(work, 'tools');
if (!process.env.DW_TOOLS)
  execFileSync(
    'npm',
    ['install', '--prefix', tools, 'pnpm@9', 'pnpm8@npm:pnpm@8', 'pnpm7@npm:pnpm@7', 'yarn@1', '@yarnpkg/cli-dist@4', 'bun@1', '--no-audit', '--no-fund'],
    { stdio: 'ignore' },
  );
const toolFile = (...parts) => join(tools, 'node_modules', ...parts);

const registry = await startRegistry();
const tarballs = await startTarballServer(join(work, 'served'));
const tarballHost = tarballs.host;
const git = await startGitDaemon(join(work, 'git'));

try {
  const published = [
    ...CORE_PACKAGES,
    // A near-miss of a popular name, planted in the registry.
    { name: 'expresss', version: '1.0.0' },
    { name: '@dw/scoped', version: '1.0.0', dependencies: { 'dw-util': '^1.0.0' } },
  ];
  await publishPackages(registry, join(work, 'pkg'), published);
  const payload = writePackage(join(work, 'pkg', 'dw-payload'), { name: 'dw-payload', version: '1.0.0' });
  execFileSync('npm', ['pack', '--pack-destination', join(work, 'served')], { cwd: payload, stdio: 'ignore' });

  const project = {
    name: 'lock-app',
    version: '1.0.0',
    private: true,
    workspaces: ['packages/*'],
    dependencies: {
      'dw-util': '^1.0.0',
      'dw-core': '^2.0.0',
      'dw-alias': 'npm:dw-core@^1.0.0',
      'dw-payload': `http://${tarballHost}/dw-payload-1.0.0.tgz`,
      expresss: '^1.0.0',
      '@dw/scoped': '^1.0.0',
      'dw-gitdep': `git://${git.host}/dw-gitdep.git`,
    },
    devDependencies: { 'dw-dev': '^1.0.0' },
  };
  const workspace = { name: 'ws-a', version: '1.0.0', dependencies: { 'dw-core': '^1.0.0' } };

  const env = {
    ...process.env,
    npm_config_userconfig: registry.npmrc,
    npm_config_cache: registry.cache,
    npm_config_registry: registry.url,
    YARN_CACHE_FOLDER: join(work, 'yarn-cache'),
    YARN_ENABLE_IMMUTABLE_INSTALLS: 'false',
    YARN_GLOBAL_FOLDER: join(work, 'yarn-global'),
    BUN_INSTALL_CACHE_DIR: join(work, 'bun-cache'),
    // pnpm patch needs a real install: its store stays in the temporary folder too.
    npm_config_store_dir: join(work, 'pnpm-store'),
    CI: '',
  };
  const berryRc = `npmRegistryServer: "${registry.url}"\nunsafeHttpWhitelist: ["127.0.0.1"]\nnodeLinker: node-modules\nenableGlobalCache: false\nenableTelemetry: false\nnpmMinimalAgeGate: 0\nenableScripts: false\napprovedGitRepositories: ["**"]\n`;
  const pnpmWorkspace = 'packages:\n  - "packages/*"\n';
  const managers = [
    // [folder, command, args, lockfile, extra files]
    ['npm', 'npm', ['install', '--package-lock-only', '--ignore-scripts'], 'package-lock.json', {}],
    [
      'yarn-classic',
      process.execPath,
      [toolFile('yarn', 'bin', 'yarn.js'), 'install', '--ignore-scripts', '--no-progress', '--non-interactive'],
      'yarn.lock',
      { '.yarnrc': `registry "${registry.url}"\n` },
    ],
    [
      'yarn-berry',
      process.execPath,
      [toolFile('@yarnpkg', 'cli-dist', 'bin', 'yarn.js'), 'install', '--mode=skip-build'],
      'yarn.lock',
      { '.yarnrc.yml': berryRc, 'yarn.lock': '' },
    ],
    [
      'pnpm-v9',
      process.execPath,
      [toolFile('pnpm', 'bin', 'pnpm.cjs'), 'install', '--lockfile-only', '--ignore-scripts'],
      'pnpm-lock.yaml',
      { 'pnpm-workspace.yaml': pnpmWorkspace },
    ],
    [
      'pnpm-v6',
      process.execPath,
      [toolFile('pnpm8', 'bin', 'pnpm.cjs'), 'install', '--lockfile-only', '--ignore-scripts'],
      'pnpm-lock.yaml',
      { 'pnpm-workspace.yaml': pnpmWorkspace },
    ],
    [
      'pnpm-v5',
      process.execPath,
      [toolFile('pnpm7', 'bin', 'pnpm.cjs'), 'install', '--lockfile-only', '--ignore-scripts'],
      'pnpm-lock.yaml',
      { 'pnpm-workspace.yaml': pnpmWorkspace },
    ],
    [
      'bun',
      toolFile('.bin', 'bun'),
      ['install', '--lockfile-only', '--ignore-scripts', '--save-text-lockfile'],
      'bun.lock',
      { 'bunfig.toml': `[install]\nregistry = "${registry.url}"\n` },
    ],
  ];
  // Each manager that has a patch mechanism patches dw-core 2.0.0 (its index.js) with its own commands, as a user
  // would: pnpm 7.4+ (`pnpm patch` + `pnpm patch-commit`), yarn berry (`yarn patch` + `yarn patch-commit -s`) and
  // bun (`bun patch` + `bun patch --commit`). npm and yarn classic have none (patch-package is a postinstall tool that
  // their lockfiles never record). Each returns the patch files it wrote, relative to the project.
  const run = (dir, command, args) => {
    const result = spawnSync(command, args, { cwd: dir, env, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${dir}: ${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
    return result.stdout;
  };
  const patchIndex = (folder) => writeFileSync(join(folder, 'index.js'), `module.exports = "dw-core, patched";\n`);
  const listFiles = (dir, folder) => readdirSync(join(dir, folder)).map((file) => `${folder}/${file}`);
  const pnpmPatcher = (pnpm) => (dir) => {
    const editDir = join(work, `edit-${pnpm}`);
    // pnpm patches what node_modules holds.
    run(dir, process.execPath, [toolFile(pnpm, 'bin', 'pnpm.cjs'), 'install', '--ignore-scripts']);
    run(dir, process.execPath, [toolFile(pnpm, 'bin', 'pnpm.cjs'), 'patch', 'dw-core@2.0.0', '--edit-dir', editDir]);
    patchIndex(editDir);
    run(dir, process.execPath, [toolFile(pnpm, 'bin', 'pnpm.cjs'), 'patch-commit', editDir]);
    return listFiles(dir, 'patches');
  };
  const patchers = {
    'pnpm-v9': pnpmPatcher('pnpm'),
    'pnpm-v6': pnpmPatcher('pnpm8'),
    'pnpm-v5': pnpmPatcher('pnpm7'),
    'yarn-berry': (dir) => {
      const yarn = toolFile('@yarnpkg', 'cli-dist', 'bin', 'yarn.js');
      const { path } = JSON.parse(run(dir, process.execPath, [yarn, 'patch', 'dw-core@npm:2.0.0', '--json']).trim().split('\n').pop());
      patchIndex(path);
      const workspaceManifest = readFileSync(join(dir, 'packages', 'ws-a', 'package.json'), 'utf8');
      run(dir, process.execPath, [yarn, 'patch-commit', '-s', path]);
      // yarn 4.18's patch-commit -s also points ws-a's `dw-core@^1.0.0` (locked at 1.0.0) at the patched 2.0.0, in
      // ws-a's package.json and in a root `resolutions` entry: undone, so the tree stays the one the other formats lock.
      writeFileSync(join(dir, 'packages', 'ws-a', 'package.json'), workspaceManifest);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      delete manifest.resolutions;
      writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      run(dir, process.execPath, [yarn, 'install', '--mode=skip-build']);
      return listFiles(dir, '.yarn/patches');
    },
    bun: (dir) => {
      const bun = toolFile('.bin', 'bun');
      run(dir, bun, ['install', '--ignore-scripts', '--save-text-lockfile']);
      run(dir, bun, ['patch', 'dw-core@2.0.0']);
      patchIndex(join(dir, 'node_modules', 'dw-core'));
      run(dir, bun, ['patch', '--commit', 'node_modules/dw-core']);
      return listFiles(dir, 'patches');
    },
  };
  // The change `review` is tested on: the near-miss and the tarball URL are what it adds.
  const before = Object.fromEntries(Object.entries(project.dependencies).filter(([name]) => name !== 'expresss' && name !== 'dw-payload'));
  // DW_ONLY: a comma-separated list of folders to write (the others stay as they are).
  const only = process.env.DW_ONLY?.split(',');
  for (const [folder, command, args, lockfile, files] of managers.filter(([folder]) => !only || only.includes(folder))) {
    const dir = join(work, 'projects', folder);
    const install = (manifest) => {
      writePackage(dir, manifest);
      const result = spawnSync(command, args, { cwd: dir, env, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`${folder}: ${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
    };
    writePackage(join(dir, 'packages', 'ws-a'), workspace);
    writeFileSync(join(dir, '.npmrc'), `registry=${registry.url}\n`);
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
    const target = join(OUT, folder);
    rmSync(target, { recursive: true, force: true });
    mkdirSync(join(target, 'packages', 'ws-a'), { recursive: true });
    mkdirSync(join(target, 'before'), { recursive: true });
    install({ ...project, dependencies: before });
    for (const file of ['package.json', lockfile]) cpSync(join(dir, file), join(target, 'before', file));
    install(project);
    // The patch is part of the change too: the manager's own patch commands write the patch file and lock it.
    const patchFiles = patchers[folder]?.(dir) ?? [];
    for (const file of [
      'package.json',
      'packages/ws-a/package.json',
      lockfile,
      ...Object.keys(files).filter((file) => file.endsWith('.yaml')),
      ...patchFiles,
    ]) {
      mkdirSync(dirname(join(target, file)), { recursive: true });
      cpSync(join(dir, file), join(target, file));
    }
    rewriteHosts(target, [lockfile, 'package.json', `before/${lockfile}`, 'before/package.json']);
    console.log(`${folder}: ${lockfile}`);
  }
} finally {
  git.stop();
  tarballs.stop();
  await registry.stop();
  if (!process.env.DW_KEEP) rmSync(work, { recursive: true, force: true });
  else console.log(`kept ${work}`);
}

function rewriteHosts(dir, files) {
  for (const file of files) {
    const path = join(dir, file);
    const text = readFileSync(path, 'utf8')
      .replaceAll(registry.url, 'https://registry.example.test/')
      .replaceAll(registry.url.replace('http://', '').replace(/\/$/, ''), 'registry.example.test')
      .replaceAll(`http://${tarballHost}/`, 'https://attacker.example.test/')
      .replaceAll(tarballHost, 'attacker.example.test')
      .replaceAll(git.host, 'git.example.test')
      // pnpm 7 and 8 key a tarball by host and port: `@127.0.0.1+43473/x.tgz`.
      .replaceAll(tarballHost.replace(':', '+'), 'attacker.example.test')
      .replaceAll(git.host.replace(':', '+'), 'git.example.test');
    writeFileSync(path, text);
  }
}

/** A bare git repository of package `dw-gitdep` (one commit with fixed dates, so its hash is stable), served over git://. */
async function startGitDaemon(dir) {
  const source = writePackage(join(dir, 'src'), { name: 'dw-gitdep', version: '1.0.0' });
  const dated = { ...process.env, GIT_AUTHOR_DATE: '2020-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2020-01-01T00:00:00Z' };
  for (const args of [
    ['init', '-q', '-b', 'main'],
    ['add', '-A'],
    ['-c', 'user.name=dw', '-c', 'user.email=dw@example.test', 'commit', '-qm', 'dw-gitdep 1.0.0'],
  ]) {
    execFileSync('git', args, { cwd: source, env: dated });
  }
  execFileSync('git', ['clone', '-q', '--bare', source, join(dir, 'served', 'dw-gitdep.git')]);
  const port = await freePort();
  const daemon = spawn(
    'git',
    ['daemon', '--reuseaddr', '--export-all', `--base-path=${join(dir, 'served')}`, `--port=${port}`, '--listen=127.0.0.1', join(dir, 'served')],
    {
      stdio: 'ignore',
    },
  );
  const host = `127.0.0.1:${port}`;
  for (let tries = 0; spawnSync('git', ['ls-remote', `git://${host}/dw-gitdep.git`], { stdio: 'ignore' }).status !== 0; tries++) {
    if (tries === 50) throw new Error('git daemon did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { host, stop: () => daemon.kill() };
}
