import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './paths.js';

/**
 * pnpm at a given version, apart from the managers of test/support/managers.ts (pnpm 9 there): installed once from
 * the registry npm is configured with, with --ignore-scripts, under node_modules/.cache; the folder returned holds
 * only a `pnpm` command, to put on PATH. pnpm 12 is a native binary in its platform package (@pnpm/exe.<os>-<arch>),
 * which the `pnpm` package's own install script would link; pnpm 10 is the JavaScript `bin/pnpm.cjs`.
 */
export function installPnpm(version: string): string {
  const tools = join(ROOT, 'node_modules', '.cache', 'depwarden-test-managers', `pnpm${version}`);
  if (!existsSync(join(tools, 'ready'))) {
    const staging = `${tools}.${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    const run = spawnSync(
      'npm',
      ['install', '--prefix', staging, `pnpm@${version}`, '--ignore-scripts', '--no-audit', '--no-fund', '--no-save', '--no-package-lock'],
      {
        encoding: 'utf8',
        env: { ...process.env, npm_config_cache: join(staging, '.npm-cache') },
      },
    );
    if (run.status !== 0) throw new Error(`could not install pnpm@${version} for the tests: ${run.stderr}`);
    const modules = join(staging, 'node_modules');
    const native = existsSync(join(modules, '@pnpm'))
      ? readdirSync(join(modules, '@pnpm'))
          .filter((name) => name.startsWith('exe.'))
          .map((name) => join(modules, '@pnpm', name, 'pnpm'))
          .find((path) => existsSync(path) && spawnSync(path, ['--version']).status === 0)
      : undefined;
    const target = native ?? join(modules, 'pnpm', 'bin', 'pnpm.cjs');
    mkdirSync(join(staging, 'bin'));
    // Relative, so that the link survives the rename below.
    symlinkSync(relative(join(staging, 'bin'), target), join(staging, 'bin', 'pnpm'));
    rmSync(join(staging, '.npm-cache'), { recursive: true, force: true });
    mkdirSync(join(staging, 'ready'));
    rmSync(tools, { recursive: true, force: true });
    renameSync(staging, tools);
  }
  return join(tools, 'bin');
}
