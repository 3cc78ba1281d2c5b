import { describe, expect, it } from 'vitest';
import { envSetting, npmEnvironment, npxSyntax, serverLaunch, type ServerLaunch } from '../../src/npm/launch.js';

const npx = npxSyntax(new Set(['yes', 'ignore-scripts']));
const REGISTRY = 'https://registry.example.test/';
const launchOf = (started: ServerLaunch) => {
  if (started.kind !== 'runner') throw new Error(`not a runner: ${JSON.stringify(started)}`);
  return started.launch;
};

describe('fetch settings a launch makes: where the runner fetches from', () => {
  it("npx's and npm exec's own options: the registry, a scope's registry, another config file", () => {
    expect(launchOf(serverLaunch('npx', ['-y', '--registry', REGISTRY, 'pkg'], npx))).toMatchObject({
      packages: [{ spec: 'pkg', argIndex: 3 }],
      settings: [{ name: '--registry', value: REGISTRY, npmEnv: 'npm_config_registry' }],
    });
    expect(launchOf(serverLaunch('npx', ['--@acme:registry=' + REGISTRY, '--userconfig', '/x/.npmrc', '@acme/mcp'], npx)).settings).toEqual([
      { name: '--@acme:registry', value: REGISTRY, npmEnv: 'npm_config_@acme:registry' },
      { name: '--userconfig', value: '/x/.npmrc', npmEnv: 'npm_config_userconfig' },
    ]);
    expect(launchOf(serverLaunch('npx', ['-y', '--prefer-offline', 'pkg'], npx)).settings).toEqual([]);
  });

  it("npm's options before exec count, as npm reads them anywhere; a package manager's global options before dlx", () => {
    expect(launchOf(serverLaunch('npm', ['--registry', REGISTRY, 'exec', '--', 'pkg@1'], npx))).toMatchObject({
      runner: 'npm exec',
      packages: [{ spec: 'pkg@1', argIndex: 4 }],
      settings: [{ name: '--registry', npmEnv: 'npm_config_registry' }],
    });
    expect(launchOf(serverLaunch('npm', ['-y', 'x', 'pkg'], npx))).toMatchObject({ yes: true, packages: [{ spec: 'pkg', argIndex: 2 }], settings: [] });
    expect(launchOf(serverLaunch('npm', ['exec', 'pkg'], npx)).yes).toBe(false);
    expect(launchOf(serverLaunch('npm', ['--prefix', '/srv/app', 'exec', 'pkg'], npx)).settings).toEqual([
      { name: '--prefix', value: '/srv/app', npmEnv: undefined },
    ]);
    expect(launchOf(serverLaunch('pnpm', ['--registry=' + REGISTRY, 'dlx', 'pkg'], npx))).toMatchObject({
      runner: 'pnpm dlx',
      packages: [{ spec: 'pkg', argIndex: 2 }],
      settings: [{ name: '--registry', npmEnv: 'npm_config_registry' }],
    });
    // pnpm dlx's --registry takes a value: the package is the word after it, not the URL.
    expect(launchOf(serverLaunch('pnpm', ['dlx', '--registry', REGISTRY, 'pkg'], npx)).packages).toEqual([{ spec: 'pkg', argIndex: 3, prefix: '' }]);
    // Another folder means another project .npmrc: a setting npm's config cannot follow.
    expect(launchOf(serverLaunch('pnpm', ['-C', '/srv/app', 'dlx', 'pkg'], npx)).settings).toEqual([{ name: '-C', value: '/srv/app', npmEnv: undefined }]);
    expect(launchOf(serverLaunch('bun', ['--config', 'bunfig.toml', 'x', 'pkg'], npx)).settings).toEqual([
      { name: '--config', value: 'bunfig.toml', npmEnv: undefined },
    ]);
  });

  it('an option it cannot read that could hide the subcommand fails closed; a command that runs no package is no launch', () => {
    expect(serverLaunch('pnpm', ['--weird', 'value', 'dlx', 'pkg'], npx)).toEqual({ kind: 'unreadable', reason: 'pnpm option --weird before dlx' });
    expect(serverLaunch('npm', ['run', 'x'], npx)).toEqual({ kind: 'other', program: 'npm' });
    expect(serverLaunch('npm', ['start'], npx)).toEqual({ kind: 'other', program: 'npm' });
  });

  it("env's and a shell line's NAME=value words: npm's fetch keys in any case, HOME, yarn's and bun's registry", () => {
    expect(launchOf(serverLaunch('env', ['FOO=1', `npm_config_registry=${REGISTRY}`, 'npx', '-y', 'pkg'], npx))).toMatchObject({
      packages: [{ spec: 'pkg', argIndex: 4 }],
      settings: [{ name: 'npm_config_registry', value: REGISTRY, npmEnv: 'npm_config_registry' }],
    });
    // The wrapper's words first, the runner's options last: npx's --registry wins over the environment.
    expect(
      launchOf(serverLaunch('sh', ['-c', `NPM_CONFIG_REGISTRY=${REGISTRY} HOME=/tmp/h exec npx --registry=http://other.example.test/ pkg`], npx)).settings,
    ).toEqual([
      { name: 'NPM_CONFIG_REGISTRY', value: REGISTRY, npmEnv: 'NPM_CONFIG_REGISTRY' },
      { name: 'HOME', value: '/tmp/h', npmEnv: 'HOME' },
      { name: '--registry', value: 'http://other.example.test/', npmEnv: 'npm_config_registry' },
    ]);
    expect(envSetting('npm_config_@acme:registry', REGISTRY)).toEqual({
      name: 'npm_config_@acme:registry',
      value: REGISTRY,
      npmEnv: 'npm_config_@acme:registry',
    });
    expect(envSetting('npm_config_replace_registry_host', 'never')).toMatchObject({ npmEnv: 'npm_config_replace_registry_host' });
    expect(envSetting('YARN_NPM_REGISTRY_SERVER', REGISTRY)).toMatchObject({ npmEnv: 'npm_config_registry' });
    expect(envSetting('BUN_CONFIG_REGISTRY', REGISTRY)).toMatchObject({ npmEnv: 'npm_config_registry' });
    expect(envSetting('YARN_RC_FILENAME', '.other.yml')).toMatchObject({ npmEnv: undefined });
    expect(['GITHUB_TOKEN', 'npm_config_loglevel', 'npm_config_cache', 'PATH'].map((name) => envSetting(name, 'x'))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('npmEnvironment: the environment npm reads with the settings applied', () => {
  it('the last setting wins and replaces the user’s own in any spelling; what npm cannot follow is said', () => {
    const applied = npmEnvironment({ NPM_CONFIG_REGISTRY: 'http://user.example.test/', PATH: '/bin' }, [
      { name: 'npm_config_registry', value: REGISTRY, npmEnv: 'npm_config_registry' },
      { name: '--registry', value: 'http://last.example.test/', npmEnv: 'npm_config_registry' },
    ]);
    expect(applied).toEqual({ env: { PATH: '/bin', npm_config_registry: 'http://last.example.test/' } });
    expect(npmEnvironment({}, [{ name: '-C', value: '/srv/app', npmEnv: undefined }])).toEqual({
      unfollowed: '-C=/srv/app changes where packages are fetched from, in a way depwarden cannot follow',
    });
    expect(npmEnvironment({}, [{ name: 'npm_config_registry', value: '${input:registry}', npmEnv: 'npm_config_registry' }])).toHaveProperty('unfollowed');
  });
});
