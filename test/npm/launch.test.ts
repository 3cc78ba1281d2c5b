import { describe, expect, it } from 'vitest';
import { npmOptionNames, npmSwitches } from '../../src/cli/npm-argv.js';
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
    // Every npm_config_* is npm's own config, handed to npm's loader; other variables are not npm's.
    expect(envSetting('npm_config_prefix', '/opt/g')).toMatchObject({ npmEnv: 'npm_config_prefix' });
    expect(envSetting('PREFIX', '/opt/g')).toMatchObject({ npmEnv: 'PREFIX' });
    expect(envSetting('appdata', 'C:/x')).toMatchObject({ npmEnv: 'appdata' });
    expect(envSetting('BASH_ENV', '/tmp/x.sh')).toMatchObject({ npmEnv: undefined });
    expect(['GITHUB_TOKEN', 'PATH', 'NODE_OPTIONS'].map((name) => envSetting(name, 'x'))).toEqual([undefined, undefined, undefined]);
  });
});

describe("as npm's own parser reads a launch (npm's real option definitions)", () => {
  const npm = npxSyntax(npmSwitches(), npmOptionNames());

  it('npm exec reads its options after the package too: --package there names what is fetched, the positional is the command', () => {
    expect(launchOf(serverLaunch('npm', ['exec', '-y', 'dw-srv@1.0.0', '--package=dw-evil@1.0.0'], npm))).toMatchObject({
      packages: [{ spec: 'dw-evil@1.0.0', argIndex: 3, prefix: '--package=' }],
      command: 'dw-srv@1.0.0',
    });
    expect(launchOf(serverLaunch('npm', ['exec', '--yes', 'dw-srv@1.0.0', '--registry', REGISTRY], npm))).toMatchObject({
      packages: [{ spec: 'dw-srv@1.0.0', argIndex: 2 }],
      settings: [{ name: '--registry', value: REGISTRY, npmEnv: 'npm_config_registry' }],
    });
    // After `--` the words are the command's, as before.
    expect(launchOf(serverLaunch('npm', ['exec', '-y', 'pkg', '--', '--registry', 'x'], npm))).toMatchObject({
      settings: [],
      commandArgs: ['--registry', 'x'],
    });
    // npx stops at its first positional: what follows is the command's.
    expect(launchOf(serverLaunch('npx', ['-y', 'pkg', '--registry', 'x'], npm))).toMatchObject({ settings: [], commandArgs: ['--registry', 'x'] });
  });

  it("npm's abbreviations and shorthands: --reg, --userc, -C, and the command abbreviated to exe", () => {
    expect(launchOf(serverLaunch('npx', ['-y', `--reg=${REGISTRY}`, 'pkg'], npm)).settings).toEqual([
      { name: '--reg', value: REGISTRY, npmEnv: 'npm_config_registry' },
    ]);
    expect(launchOf(serverLaunch('npx', ['--userc=/x/.npmrc', 'pkg'], npm)).settings).toEqual([
      { name: '--userc', value: '/x/.npmrc', npmEnv: 'npm_config_userconfig' },
    ]);
    expect(launchOf(serverLaunch('npm', [`--reg=${REGISTRY}`, 'exec', '-y', 'pkg'], npm)).settings).toMatchObject([{ npmEnv: 'npm_config_registry' }]);
    expect(launchOf(serverLaunch('npm', ['-C', '/srv/app', 'exec', 'pkg'], npm)).settings).toEqual([{ name: '-C', value: '/srv/app', npmEnv: undefined }]);
    expect(launchOf(serverLaunch('npm', ['exe', '-y', 'dw-evil@1.0.0'], npm))).toMatchObject({
      runner: 'npm exec',
      packages: [{ spec: 'dw-evil@1.0.0', argIndex: 2 }],
    });
  });
});

describe('wrappers that change what npm sees, and commands only a shell or the client reads', () => {
  it("env's emptied environment, unset npm variables and another folder are not followed", () => {
    expect(launchOf(serverLaunch('env', ['-i', 'npx', '-y', 'pkg'], npx)).settings).toEqual([{ name: 'env -i', value: '', npmEnv: undefined }]);
    expect(launchOf(serverLaunch('env', ['-u', 'npm_config_registry', 'npx', 'pkg'], npx)).settings).toEqual([
      { name: 'env -u', value: 'npm_config_registry', npmEnv: undefined },
    ]);
    expect(launchOf(serverLaunch('env', ['-u', 'FOO', 'npx', 'pkg'], npx)).settings).toEqual([]);
    expect(launchOf(serverLaunch('env', ['--chdir=/srv/app', 'npx', 'pkg'], npx)).settings).toMatchObject([{ npmEnv: undefined }]);
    expect(npmEnvironment({}, launchOf(serverLaunch('env', ['-i', 'npx', 'pkg'], npx)).settings)).toEqual({
      unfollowed: 'env -i changes where packages are fetched from, in a way depwarden cannot follow',
    });
  });

  it('cmd: its switches before /c; anything cmd reads itself (&, |, %VAR%, a whole line in one argument) is unreadable', () => {
    expect(launchOf(serverLaunch('cmd', ['/d', '/s', '/c', 'npx', '-y', 'pkg'], npx))).toMatchObject({ packages: [{ spec: 'pkg', argIndex: 5 }] });
    expect(serverLaunch('cmd', ['/c', 'npx', '-y', 'a', '&', 'npx', '-y', 'evil'], npx)).toEqual({
      kind: 'unreadable',
      reason: 'cmd /c argument &: cmd reads it',
    });
    expect(serverLaunch('cmd', ['/c', 'npx', '-y', '%PKG%'], npx)).toMatchObject({ kind: 'unreadable' });
    expect(serverLaunch('cmd', ['/c', 'npx -y pkg'], npx)).toMatchObject({ kind: 'unreadable' });
    expect(serverLaunch('cmd', ['/c'], npx)).toMatchObject({ kind: 'unreadable' });
    expect(serverLaunch('cmd', ['script.bat'], npx)).toEqual({ kind: 'other', program: 'cmd' });
  });

  it('pnpx, npx-cli.js started by node, a command the client fills in or a whole line as the command', () => {
    expect(launchOf(serverLaunch('pnpx', ['pkg@1'], npx))).toMatchObject({ runner: 'pnpm dlx', packages: [{ spec: 'pkg@1', argIndex: 0 }] });
    expect(launchOf(serverLaunch('node', ['/usr/lib/node_modules/npm/bin/npx-cli.js', '-y', 'pkg'], npx))).toMatchObject({
      runner: 'npx',
      packages: [{ spec: 'pkg', argIndex: 2 }],
    });
    expect(serverLaunch('node', ['server.js'], npx)).toEqual({ kind: 'other', program: 'node' });
    expect(serverLaunch('${input:command}', [], npx)).toMatchObject({ kind: 'unreadable' });
    expect(serverLaunch('npx -y dw-evil@1.0.0', [], npx)).toMatchObject({ kind: 'unreadable' });
    expect(launchOf(serverLaunch('C:\\Program Files\\nodejs\\npx.cmd', ['-y', 'pkg'], npx)).packages).toMatchObject([{ spec: 'pkg' }]);
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
