import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';

/**
 * The package managers the gate e2e tests drive, at exact versions, installed from the registry npm is configured
 * with (as scripts/make-lockfile-fixtures.mjs does) with --ignore-scripts: their own install scripts never run.
 * Installed once per run, by one `npm install` of them all, by the first test file that asks; kept in the run's
 * temp folder (global-setup.ts) and removed with it. Not devDependencies, so that `npm ci` of the project stays as
 * small as it was. pnpm 10 and 12 (pnpm-versions.e2e.test.ts) beside pnpm 9 come in under aliases.
 */
export const MANAGER_VERSIONS = { pnpm: '9.15.9', yarn: '1.22.22', '@yarnpkg/cli-dist': '4.18.1', bun: '1.4.5' } as const;
export const LATER_PNPM_VERSIONS = ['10.34.9', '12.23.0'] as const;

export type TestManager = 'pnpm' | 'yarn-classic' | 'yarn-berry' | 'bun';

/** A folder per manager holding only its command (`pnpm`, `yarn` or `bun`), to put on PATH. */
export async function installManagers(): Promise<Record<TestManager, string>> {
  const tools = await installedTools();
  return {
    pnpm: join(tools, 'bin', 'pnpm'),
    'yarn-classic': join(tools, 'bin', 'yarn-classic'),
    'yarn-berry': join(tools, 'bin', 'yarn-berry'),
    bun: join(tools, 'bin', 'bun'),
  };
}

/** pnpm at one of LATER_PNPM_VERSIONS: a folder holding only a `pnpm` command, to put on PATH. */
export async function installPnpm(version: (typeof LATER_PNPM_VERSIONS)[number]): Promise<string> {
  return join(await installedTools(), 'bin', `pnpm-${version}`);
}

/**
 * The run's install of every manager: the file that first creates its folder installs (mkdir is atomic, and test
 * files run in separate workers), the others wait for its `ready` (or `failed`) mark.
 */
async function installedTools(): Promise<string> {
  const tools = join(inject('runDir'), 'managers');
  let installer = false;
  try {
    mkdirSync(tools);
    installer = true;
  } catch {
    // another test file installs them
  }
  if (installer) {
    try {
      await install(tools);
      writeFileSync(join(tools, 'ready'), '');
    } catch (error) {
      writeFileSync(join(tools, 'failed'), String(error));
      throw error;
    }
  }
  for (;;) {
    if (existsSync(join(tools, 'ready'))) return tools;
    if (existsSync(join(tools, 'failed'))) throw new Error(readFileSync(join(tools, 'failed'), 'utf8'));
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function install(tools: string): Promise<void> {
  const specs = [
    ...Object.entries(MANAGER_VERSIONS).map(([name, version]) => `${name}@${version}`),
    ...LATER_PNPM_VERSIONS.map((version) => `pnpm-${version}@npm:pnpm@${version}`),
  ];
  const stderr = await new Promise<string>((resolve, reject) => {
    const child = spawn('npm', ['install', '--prefix', tools, ...specs, '--ignore-scripts', '--no-audit', '--no-fund', '--no-save', '--no-package-lock'], {
      env: { ...process.env, npm_config_cache: join(tools, '.npm-cache') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let text = '';
    child.stderr.on('data', (chunk) => (text += chunk));
    child.on('error', reject);
    child.on('close', (status) => (status === 0 ? resolve('') : resolve(text || `npm install exited with ${status}`)));
  });
  if (stderr) throw new Error(`could not install the package managers for the tests: ${stderr}`);
  rmSync(join(tools, '.npm-cache'), { recursive: true, force: true });
  const modules = join(tools, 'node_modules');
  // The native binaries' packages: their own install scripts would copy them into place; here they are used from there.
  const runs = (path: string) => existsSync(path) && spawnSync(path, ['--version']).status === 0;
  const bun = readdirSync(join(modules, '@oven'))
    .map((name) => join(modules, '@oven', name, 'bin', 'bun'))
    .find(runs);
  if (!bun) throw new Error('no bun binary for this platform in @oven/*');
  const links: Record<string, [string, string]> = {
    pnpm: ['pnpm', join(modules, 'pnpm', 'bin', 'pnpm.cjs')],
    'yarn-classic': ['yarn', join(modules, 'yarn', 'bin', 'yarn.js')],
    'yarn-berry': ['yarn', join(modules, '@yarnpkg', 'cli-dist', 'bin', 'yarn.js')],
    bun: ['bun', bun],
  };
  // pnpm 12 is a native binary in its platform package (@pnpm/exe.<os>-<arch>); pnpm 10 is the JavaScript bin/pnpm.cjs.
  const pnpmNative = existsSync(join(modules, '@pnpm'))
    ? readdirSync(join(modules, '@pnpm'))
        .filter((name) => name.startsWith('exe.'))
        .map((name) => join(modules, '@pnpm', name, 'pnpm'))
        .find(runs)
    : undefined;
  for (const version of LATER_PNPM_VERSIONS) {
    const native = Number(version.split('.')[0]) >= 11 ? pnpmNative : undefined;
    links[`pnpm-${version}`] = ['pnpm', native ?? join(modules, `pnpm-${version}`, 'bin', 'pnpm.cjs')];
  }
  for (const [folder, [command, target]] of Object.entries(links)) {
    mkdirSync(join(tools, 'bin', folder), { recursive: true });
    symlinkSync(target, join(tools, 'bin', folder, command));
  }
}
