#!/usr/bin/env node
// Which package.json edits each package manager's frozen-lockfile mode refuses: `pnpm install --frozen-lockfile`,
// `yarn install --immutable` (berry), `yarn install --frozen-lockfile` (classic), `bun install --frozen-lockfile`,
// `npm ci`. Each manager writes the lockfile of one project against a local verdaccio, then each edit is applied to a
// copy and the frozen install is run. The verdicts are written to test/fixtures/lockfiles/frozen-cases.json, which
// test/tree/lock-sync.test.ts replays against the committed fixtures. The managers are installed from the npm
// registry into a temporary folder (or DW_TOOLS), as make-lockfile-fixtures.mjs does.
// Usage: node scripts/measure-frozen-lockfile.mjs
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORE_PACKAGES, publishPackages, writePackage } from '../test/support/fixture-packages.mjs';
import { startRegistry } from '../test/support/registry.mjs';
import { FROZEN_EDITS } from '../test/support/frozen-edits.mjs';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'lockfiles', 'frozen-cases.json');
const work = mkdtempSync(join(tmpdir(), 'depwarden-frozen-'));
const tools = process.env.DW_TOOLS ?? join(work, 'tools');
if (!process.env.DW_TOOLS)
  execFileSync('npm', ['install', '--prefix', tools, 'pnpm@9', 'yarn@1', '@yarnpkg/cli-dist@4', 'bun@1', '--no-audit', '--no-fund'], { stdio: 'ignore' });
const toolFile = (...parts) => join(tools, 'node_modules', ...parts);

const registry = await startRegistry();
try {
  await publishPackages(registry, join(work, 'pkg'), CORE_PACKAGES);

  const project = {
    name: 'lock-app',
    version: '1.0.0',
    private: true,
    workspaces: ['packages/*'],
    dependencies: { 'dw-util': '^1.0.0', 'dw-core': '^2.0.0', 'dw-alias': 'npm:dw-core@^1.0.0' },
    devDependencies: { 'dw-dev': '^1.0.0' },
  };
  const workspace = { name: 'ws-a', version: '1.0.0', dependencies: { 'dw-core': '^1.0.0' } };
  const env = {
    ...process.env,
    npm_config_userconfig: registry.npmrc,
    npm_config_cache: registry.cache,
    npm_config_registry: registry.url,
    YARN_CACHE_FOLDER: join(work, 'yarn-cache'),
    YARN_GLOBAL_FOLDER: join(work, 'yarn-global'),
    BUN_INSTALL_CACHE_DIR: join(work, 'bun-cache'),
    CI: '',
  };
  const berryRc = `npmRegistryServer: "${registry.url}"\nunsafeHttpWhitelist: ["127.0.0.1"]\nnodeLinker: node-modules\nenableGlobalCache: false\nenableTelemetry: false\nnpmMinimalAgeGate: 0\nenableScripts: false\n`;
  const yarnClassic = [process.execPath, toolFile('yarn', 'bin', 'yarn.js')];
  const yarnBerry = [process.execPath, toolFile('@yarnpkg', 'cli-dist', 'bin', 'yarn.js')];
  const pnpm = [process.execPath, toolFile('pnpm', 'bin', 'pnpm.cjs')];
  const bun = [toolFile('.bin', 'bun')];
  // [manager, write the lockfile, frozen install, extra files]
  const managers = [
    ['npm', ['npm', 'install', '--ignore-scripts'], ['npm', 'ci', '--ignore-scripts'], {}],
    ['yarn-classic', [...yarnClassic, 'install', '--ignore-scripts'], [...yarnClassic, 'install', '--frozen-lockfile', '--ignore-scripts'], {}],
    [
      'yarn-berry',
      [...yarnBerry, 'install', '--mode=skip-build'],
      [...yarnBerry, 'install', '--immutable', '--mode=skip-build'],
      { '.yarnrc.yml': berryRc, 'yarn.lock': '' },
    ],
    [
      'pnpm',
      [...pnpm, 'install', '--ignore-scripts'],
      [...pnpm, 'install', '--frozen-lockfile', '--ignore-scripts'],
      { 'pnpm-workspace.yaml': 'packages:\n  - "packages/*"\n' },
    ],
    [
      'bun',
      [...bun, 'install', '--ignore-scripts'],
      [...bun, 'install', '--frozen-lockfile', '--ignore-scripts'],
      { 'bunfig.toml': `[install]\nregistry = "${registry.url}"\n` },
    ],
  ];
  const run = (argv, cwd) => spawnSync(argv[0], argv.slice(1), { cwd, env, encoding: 'utf8' });
  const verdicts = {};
  for (const [manager, write, frozen, files] of managers) {
    const base = join(work, 'projects', manager);
    writePackage(base, project);
    writePackage(join(base, 'packages', 'ws-a'), workspace);
    writeFileSync(join(base, '.npmrc'), `registry=${registry.url}\n`);
    for (const [file, text] of Object.entries(files)) writeFileSync(join(base, file), text);
    const written = run(write, base);
    if (written.status !== 0) throw new Error(`${manager}: ${write.join(' ')} failed:\n${written.stdout}\n${written.stderr}`);
    const unchanged = run(frozen, base);
    if (unchanged.status !== 0) throw new Error(`${manager}: the unedited project is refused:\n${unchanged.stdout}\n${unchanged.stderr}`);
    verdicts[manager] = {};
    for (const [id, edit] of Object.entries(FROZEN_EDITS)) {
      const dir = join(work, 'edits', manager, id);
      cpSync(base, dir, { recursive: true, filter: (path) => !path.includes('node_modules') });
      for (const [file, change] of Object.entries(edit)) {
        const path = join(dir, file);
        writeFileSync(path, JSON.stringify(change(JSON.parse(readFileSync(path, 'utf8'))), null, 2));
      }
      const result = run(frozen, dir);
      verdicts[manager][id] = result.status === 0 ? 'accepted' : 'refused';
      console.log(`${manager} ${id}: ${verdicts[manager][id]}`);
    }
  }
  mkdirSync(dirname(OUT), { recursive: true });
  // Other measurements in the file (scripts/measure-pnpm-features.mjs) are kept.
  const others = (() => {
    try {
      return JSON.parse(readFileSync(OUT, 'utf8'));
    } catch {
      return {};
    }
  })();
  writeFileSync(OUT, `${JSON.stringify({ ...others, ...verdicts }, null, 2)}\n`);
} finally {
  await registry.stop();
  rmSync(work, { recursive: true, force: true });
}
