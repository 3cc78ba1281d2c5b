import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './paths.js';

/**
 * The package managers the gate e2e tests drive, at exact versions, installed from the registry npm is configured
 * with (as scripts/make-lockfile-fixtures.mjs does) with --ignore-scripts: their own install scripts never run. Kept
 * under node_modules/.cache, keyed by the versions, so only the first run downloads them (~130 MB, ~16 s; bun's
 * binary is most of it); not devDependencies, so that `npm ci` of the project stays as small as it was.
 */
export const MANAGER_VERSIONS = { pnpm: '9.15.9', yarn: '1.22.22', '@yarnpkg/cli-dist': '4.18.1', bun: '1.4.5' } as const;

export type TestManager = 'pnpm' | 'yarn-classic' | 'yarn-berry' | 'bun';

/** A folder per manager holding only its command (`pnpm`, `yarn` or `bun`), to put on PATH. */
export function installManagers(): Record<TestManager, string> {
  const key = Object.entries(MANAGER_VERSIONS)
    .map(([name, version]) => `${name.replace(/\W/g, '')}${version}`)
    .join('-');
  const tools = join(ROOT, 'node_modules', '.cache', 'depwarden-test-managers', key);
  if (!existsSync(join(tools, 'ready'))) {
    const staging = `${tools}.${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    const specs = Object.entries(MANAGER_VERSIONS).map(([name, version]) => `${name}@${version}`);
    const run = spawnSync('npm', ['install', '--prefix', staging, ...specs, '--ignore-scripts', '--no-audit', '--no-fund', '--no-save', '--no-package-lock'], {
      encoding: 'utf8',
      env: { ...process.env, npm_config_cache: join(staging, '.npm-cache') },
    });
    if (run.status !== 0) throw new Error(`could not install the package managers for the tests: ${run.stderr}`);
    const modules = join(staging, 'node_modules');
    // bun's own postinstall would copy the platform binary into place; with --ignore-scripts it is used from its package.
    const bun = readdirSync(join(modules, '@oven'))
      .map((name) => join(modules, '@oven', name, 'bin', 'bun'))
      .find((path) => existsSync(path) && spawnSync(path, ['--version']).status === 0);
    if (!bun) throw new Error('no bun binary for this platform in @oven/*');
    const links: Record<TestManager, [string, string]> = {
      pnpm: ['pnpm', join(modules, 'pnpm', 'bin', 'pnpm.cjs')],
      'yarn-classic': ['yarn', join(modules, 'yarn', 'bin', 'yarn.js')],
      'yarn-berry': ['yarn', join(modules, '@yarnpkg', 'cli-dist', 'bin', 'yarn.js')],
      bun: ['bun', bun],
    };
    for (const [manager, [command, target]] of Object.entries(links)) {
      mkdirSync(join(staging, 'bin', manager), { recursive: true });
      // Relative, so that the links survive the rename below.
      symlinkSync(relative(join(staging, 'bin', manager), target), join(staging, 'bin', manager, command));
    }
    rmSync(join(staging, '.npm-cache'), { recursive: true, force: true });
    mkdirSync(join(staging, 'ready'));
    rmSync(tools, { recursive: true, force: true });
    renameSync(staging, tools);
  }
  return {
    pnpm: join(tools, 'bin', 'pnpm'),
    'yarn-classic': join(tools, 'bin', 'yarn-classic'),
    'yarn-berry': join(tools, 'bin', 'yarn-berry'),
    bun: join(tools, 'bin', 'bun'),
  };
}
