import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISOLATED_ENV } from '../support/check.js';
import { depwardenAsync, type CliRun } from '../support/cli.js';
import { installPnpm } from '../support/managers.js';
import { type Registry } from '../support/registry.mjs';
import { marker } from '../support/shared-packages.js';
import { sharedRegistry } from '../support/shared-registry.js';
import { tempDir } from '../support/temp.js';

/**
 * The pnpm gate with the pnpm versions after 9 (managers.e2e.test.ts runs 9): from pnpm 10 on, pnpm builds only
 * what its own settings approve, so the gate must approve the policy's packages itself, and never more. Each
 * project carries pnpm settings that approve what the policy does not, so a build pnpm ran on its own would show.
 */
const VERSIONS = [
  // pnpm 10 lets pnpm-workspace.yaml's lists win over the environment.
  { version: '10.34.9', settings: 'onlyBuiltDependencies:\n  - dw-marker\nignoredBuiltDependencies:\n  - dw-allowed\n' },
  // pnpm 12: a `false` beats dangerouslyAllowAllBuilds, and `pnpm run` installs (and builds) before a script.
  { version: '12.23.0', settings: 'dangerouslyAllowAllBuilds: true\nallowBuilds:\n  dw-allowed: false\n' },
] as const;

const work = tempDir('pnpm-versions-e2e');
let registry: Registry;
const bins = new Map<string, string>();

const markers = (dir: string) =>
  readdirSync(dir)
    .filter((name) => name.startsWith('MARKER-'))
    .sort();

const run = (args: string[], cwd: string, version: string): Promise<CliRun> => {
  const home = join(work, `home-${version}`);
  return depwardenAsync(args, {
    cwd,
    env: {
      HOME: home,
      XDG_CACHE_HOME: join(home, '.cache'),
      XDG_DATA_HOME: join(home, '.local', 'share'),
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_STATE_HOME: join(home, '.local', 'state'),
      npm_config_offline: 'false',
      npm_config_userconfig: registry.npmrc,
      npm_config_cache: registry.cache,
      npm_config_registry: registry.url,
      npm_config_store_dir: join(home, 'pnpm-store'),
      CI: '',
      PATH: `${bins.get(version)}${delimiter}${ISOLATED_ENV.PATH}`,
    },
  });
};

beforeAll(async () => {
  for (const { version } of VERSIONS) bins.set(version, await installPnpm(version));
  // dw-plain, dw-marker and dw-allowed are the run's shared packages (shared-packages.ts).
  registry = sharedRegistry();
}, 180_000);

afterAll(async () => {
  await registry?.stop();
});

describe.concurrent.each(VERSIONS)('depwarden install / ci with pnpm $version (local verdaccio)', ({ version, settings }) => {
  it('runs the allowlisted install script and the project’s own, never one that only pnpm’s settings approve; ci the same', async () => {
    // No packageManager field: pnpm 12 would fetch itself from the registry to record it in the lockfile.
    const dir = join(work, `pnpm${version}`);
    mkdirSync(dir);
    const manifest = {
      name: 'app',
      version: '1.0.0',
      dependencies: { 'dw-plain': '^1.0.0' },
      scripts: { postinstall: marker('root') },
    };
    writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
    writeFileSync(join(dir, '.npmrc'), `registry=${registry.url}\n`);
    writeFileSync(join(dir, 'pnpm-workspace.yaml'), settings);
    writeFileSync(join(dir, '.depwardenrc.json'), JSON.stringify({ allow: [{ package: 'dw-allowed', rule: 'install-script', reason: 'reviewed' }] }));

    const result = await run(['install', 'dw-allowed', 'dw-marker', '--manager', 'pnpm'], dir, version);
    expect(result.status, result.stderr).toBe(0);
    expect(markers(dir)).toEqual(['MARKER-dw-allowed', 'MARKER-root']);
    expect(result.stderr).toContain('did not run the install scripts of dw-marker@1.0.0: the policy does not allow them');
    expect(result.stderr).not.toContain('ERR_PNPM');
    // The approval was for that run only: pnpm's settings are as the user wrote them (pnpm may add its own entries).
    expect(readFileSync(join(dir, 'pnpm-workspace.yaml'), 'utf8').startsWith(settings)).toBe(true);

    const ci = join(work, `pnpm${version}-ci`);
    mkdirSync(ci);
    for (const file of ['package.json', '.npmrc', 'pnpm-workspace.yaml', '.depwardenrc.json', 'pnpm-lock.yaml']) cpSync(join(dir, file), join(ci, file));
    const frozen = await run(['ci'], ci, version);
    expect(frozen.status, frozen.stderr).toBe(0);
    expect(existsSync(join(ci, 'node_modules', 'dw-marker', 'package.json'))).toBe(true);
    expect(markers(ci)).toEqual(['MARKER-dw-allowed', 'MARKER-root']);
  }, 180_000);
});
