#!/usr/bin/env node
// What pnpm 9 writes for catalogs (`catalog:`, named catalogs), an injected workspace dependency
// (`dependenciesMeta.<name>.injected`, written as a hard copy with dedupe-injected-deps=false) and a workspace published
// from a subfolder (`publishConfig.directory` + `linkDirectory`), and which edits of that project its
// `install --frozen-lockfile` refuses. The project is locked against a local verdaccio and written, hosts rewritten,
// to test/fixtures/lockfiles/pnpm-v9-features/; the verdicts of the edits in test/support/pnpm-feature-edits.mjs go
// to test/fixtures/lockfiles/frozen-cases.json under "pnpm-v9-features" (its other keys kept), which
// test/tree/lock-sync.test.ts replays. pnpm is installed from the npm registry into a temporary folder (or DW_TOOLS).
// Usage: node scripts/measure-pnpm-features.mjs
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORE_PACKAGES, publishPackages, writePackage } from '../test/support/fixture-packages.mjs';
import { startRegistry } from '../test/support/registry.mjs';
import { PNPM_FEATURE_EDITS } from '../test/support/pnpm-feature-edits.mjs';

const LOCKFILES = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'lockfiles');
const OUT = join(LOCKFILES, 'pnpm-v9-features');
const VERDICTS = join(LOCKFILES, 'frozen-cases.json');
const work = mkdtempSync(join(tmpdir(), 'depwarden-pnpm-features-'));
const tools = process.env.DW_TOOLS ?? join(work, 'tools');
if (!process.env.DW_TOOLS) execFileSync('npm', ['install', '--prefix', tools, 'pnpm@9', '--no-audit', '--no-fund'], { stdio: 'ignore' });

const registry = await startRegistry();
try {
  await publishPackages(registry, join(work, 'pkg'), CORE_PACKAGES);

  const base = join(work, 'project');
  const files = {
    'package.json': {
      name: 'lock-features',
      version: '1.0.0',
      private: true,
      dependencies: { 'dw-core': 'catalog:', 'dw-util': 'catalog:tools', 'ws-b': 'workspace:*' },
      dependenciesMeta: { 'ws-b': { injected: true } },
    },
    'packages/ws-a/package.json': { name: 'ws-a', version: '1.0.0', dependencies: { 'ws-c': 'workspace:^' } },
    // pnpm 9 refuses `catalog:` in an injected workspace ("an external package … declared a dependency using the catalog protocol").
    'packages/ws-b/package.json': { name: 'ws-b', version: '1.0.0', dependencies: { 'dw-core': '^2.0.0' } },
    'packages/ws-c/package.json': { name: 'ws-c', version: '1.0.0', publishConfig: { directory: 'dist', linkDirectory: true } },
    'packages/ws-c/dist/package.json': { name: 'ws-c', version: '1.0.0' },
  };
  for (const [file, manifest] of Object.entries(files)) writePackage(join(base, dirname(file)), manifest);
  writeFileSync(join(base, 'pnpm-workspace.yaml'), "packages:\n  - 'packages/*'\n\ncatalog:\n  dw-core: ^2.0.0\n\ncatalogs:\n  tools:\n    dw-util: ^1.0.0\n");
  // pnpm 9 links an injected workspace when it can (dedupe-injected-deps): off, so the hard copy is what is written.
  writeFileSync(join(base, '.npmrc'), `registry=${registry.url}\ndedupe-injected-deps=false\n`);
  const env = {
    ...process.env,
    npm_config_userconfig: registry.npmrc,
    npm_config_cache: registry.cache,
    npm_config_registry: registry.url,
    npm_config_store_dir: join(work, 'store'),
    CI: '',
  };
  const pnpm = (args, cwd) => spawnSync(process.execPath, [join(tools, 'node_modules', 'pnpm', 'bin', 'pnpm.cjs'), ...args], { cwd, env, encoding: 'utf8' });
  const written = pnpm(['install', '--ignore-scripts'], base);
  if (written.status !== 0) throw new Error(`pnpm install failed:\n${written.stdout}\n${written.stderr}`);
  const version = pnpm(['--version'], base).stdout.trim();

  const verdicts = { unchanged: pnpm(['install', '--frozen-lockfile', '--ignore-scripts'], base).status === 0 ? 'accepted' : 'refused' };
  for (const [id, edit] of Object.entries(PNPM_FEATURE_EDITS)) {
    const dir = join(work, 'edits', id);
    cpSync(base, dir, { recursive: true, filter: (path) => !path.includes('node_modules') });
    for (const [file, change] of Object.entries(edit)) writeFileSync(join(dir, file), change(readFileSync(join(dir, file), 'utf8')));
    verdicts[id] = pnpm(['install', '--frozen-lockfile', '--ignore-scripts'], dir).status === 0 ? 'accepted' : 'refused';
    console.log(`pnpm ${version} ${id}: ${verdicts[id]}`);
  }

  rmSync(OUT, { recursive: true, force: true });
  for (const file of [...Object.keys(files), 'pnpm-workspace.yaml', 'pnpm-lock.yaml']) {
    mkdirSync(dirname(join(OUT, file)), { recursive: true });
    const text = readFileSync(join(base, file), 'utf8');
    writeFileSync(join(OUT, file), text.replaceAll(registry.url, 'https://registry.example.test/'));
  }
  const all = JSON.parse(readFileSync(VERDICTS, 'utf8'));
  writeFileSync(VERDICTS, `${JSON.stringify({ ...all, 'pnpm-v9-features': verdicts }, null, 2)}\n`);
} finally {
  await registry.stop();
  rmSync(work, { recursive: true, force: true });
}
