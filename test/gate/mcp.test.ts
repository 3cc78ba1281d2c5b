import { existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMcpConfig } from '../../src/gate/mcp-config.js';
import {
  installedPackageOf,
  mcpConfigCandidates,
  pinServers,
  pinnedAs,
  serverEnvironment,
  serverFolder,
  serverSpecs,
  type McpDisk,
} from '../../src/gate/mcp.js';
import { npxSyntax } from '../../src/npm/launch.js';
import type { ResolvedLaunch } from '../../src/registry/ideal-tree.js';
import { tempDir } from '../support/temp.js';

const syntax = npxSyntax(new Set(['ignore-scripts']));
const disk: McpDisk = { exists: existsSync, realpath: realpathSync, readText: (path) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined) };

describe('mcpConfigCandidates', () => {
  it("the project's files, then Claude Code's ~/.claude.json and the desktop clients' files under HOME and APPDATA", () => {
    expect(mcpConfigCandidates('/work/app', { HOME: '/home/me', APPDATA: 'C:/AppData' })).toEqual([
      '/work/app/.mcp.json',
      '/work/app/.cursor/mcp.json',
      '/work/app/.vscode/mcp.json',
      '/home/me/.claude.json',
      '/home/me/Library/Application Support/Claude/claude_desktop_config.json',
      '/home/me/.config/Claude/claude_desktop_config.json',
      '/home/me/.cursor/mcp.json',
      '/home/me/.codeium/windsurf/mcp_config.json',
      'C:/AppData/Claude/claude_desktop_config.json',
    ]);
    expect(mcpConfigCandidates('/work/app', {})).toHaveLength(3);
  });
});

describe('serverSpecs: what a server start fetches', () => {
  const entry = (command: string | undefined, args: string[] = [], url?: string) => ({ serversKey: 'mcpServers', name: 's', command, args, url, env: {} });

  it('the packages of a runner, or a verdict for what is no npm launch', () => {
    expect(serverSpecs(entry('npx', ['-y', 'some-mcp@latest', '--stdio']), '/p', syntax, disk)).toEqual({
      specs: ['some-mcp@latest'],
      settings: [],
      runner: 'npx',
    });
    expect(serverSpecs(entry('cmd', ['/c', 'npx', '-y', '-p', 'a@1.0.0', '-p', 'b', 'run']), '/p', syntax, disk)).toEqual({
      specs: ['a@1.0.0', 'b'],
      settings: [],
      runner: 'npx',
    });
    expect(serverSpecs(entry(undefined, [], 'https://mcp.example.test/'), '/p', syntax, disk)).toEqual({
      status: 'not checked',
      note: 'remote server (https://mcp.example.test/): nothing is installed or run locally',
    });
    expect(serverSpecs(entry('uvx', ['tool']), '/p', syntax, disk)).toEqual({ status: 'not checked', note: 'runs uvx: not an npm package launch' });
    expect(serverSpecs(entry('npx', ['-y']), '/p', syntax, disk)).toEqual({ status: 'cannot judge', note: 'npx names no package' });
  });

  it('through env and sh -c; a shell line that is more than words is refused, never skipped', () => {
    expect(serverSpecs(entry('sh', ['-c', 'npx -y expresss']), '/p', syntax, disk)).toEqual({ specs: ['expresss'], settings: [], runner: 'npx' });
    expect(serverSpecs(entry('env', ['FOO=1', 'npx', '-y', 'expresss']), '/p', syntax, disk)).toEqual({ specs: ['expresss'], settings: [], runner: 'npx' });
    expect(serverSpecs(entry('sh', ['-c', 'python server.py']), '/p', syntax, disk)).toEqual({
      status: 'not checked',
      note: 'runs python: not an npm package launch',
    });
    expect(serverSpecs(entry('bash', ['-c', 'npx -y $(curl -s https://x.example.test/name)']), '/p', syntax, disk)).toEqual({
      status: 'refused',
      note: "cannot tell what it starts (bash -c 'npx -y $(curl -s https://x.example.test/name)': more than a plain word list): write the server's command and arguments as a plain list",
    });
  });

  it('node_modules/.bin: the installed package behind the link, from the config folder or the project above it', () => {
    const project = tempDir('mcp-bin');
    mkdirSync(join(project, 'node_modules', '@acme', 'server', 'bin'), { recursive: true });
    mkdirSync(join(project, 'node_modules', '.bin'));
    mkdirSync(join(project, '.vscode'));
    writeFileSync(join(project, 'node_modules', '@acme', 'server', 'package.json'), '{"name":"@acme/server","version":"3.1.0"}');
    writeFileSync(join(project, 'node_modules', '@acme', 'server', 'bin', 'cli.js'), '');
    symlinkSync('../@acme/server/bin/cli.js', join(project, 'node_modules', '.bin', 'acme-server'));
    expect(serverSpecs(entry('node_modules/.bin/acme-server'), join(project, '.vscode'), syntax, disk)).toEqual({ specs: ['@acme/server@3.1.0'] });
    expect(installedPackageOf('node_modules/.bin/missing', project, disk)).toBe('node_modules/.bin/missing is not installed here');
    writeFileSync(join(project, 'node_modules', '@acme', 'server', 'package.json'), '{"name":"@acme/server"}');
    expect(installedPackageOf('node_modules/.bin/acme-server', project, disk)).toBe(
      'the package behind node_modules/.bin/acme-server has no readable name and version',
    );
  });
});

describe("serverEnvironment: the npm settings the client's start of a server makes", () => {
  const server = (env: Record<string, string>, envFile?: string) => ({
    serversKey: 'servers',
    name: 's',
    command: 'npx',
    args: [],
    url: undefined,
    env,
    envFile,
  });

  it("envFile, then env, then the launch's own settings, the last winning; other variables are left alone", () => {
    const project = tempDir('mcp-env');
    mkdirSync(join(project, '.vscode'));
    writeFileSync(join(project, '.env'), 'API_KEY=secret\nnpm_config_registry="http://file.example.test/"\nHOME=/home/other\n');
    const configDir = join(project, '.vscode');
    const started = serverEnvironment(server({ API_KEY: 'x' }, '${workspaceFolder}/.env'), [], configDir, { PATH: '/bin' }, disk);
    expect(started).toHaveProperty('env', { PATH: '/bin', npm_config_registry: 'http://file.example.test/', HOME: '/home/other' });
    expect(started).toHaveProperty(
      'settings',
      expect.arrayContaining([
        { name: 'npm_config_registry', value: 'http://file.example.test/', npmEnv: 'npm_config_registry' },
        { name: 'HOME', value: '/home/other', npmEnv: 'HOME' },
      ]),
    );
    const overridden = serverEnvironment(
      server({ npm_config_registry: 'http://env.example.test/' }, '.env'),
      [{ name: '--registry', value: 'http://option.example.test/', npmEnv: 'npm_config_registry' }],
      configDir,
      {},
      disk,
    );
    expect(overridden).toMatchObject({ env: { npm_config_registry: 'http://option.example.test/' } });
    expect(serverEnvironment(server({ GITHUB_TOKEN: 't' }), [], configDir, { PATH: '/bin' }, disk)).toEqual({
      env: { PATH: '/bin' },
      settings: [],
    });
  });

  it('an envFile it cannot read, or a value the client fills in, cannot be judged', () => {
    expect(serverEnvironment(server({}, '${workspaceFolder}/missing.env'), [], '/p/.vscode', {}, disk)).toEqual({
      status: 'cannot judge',
      note: 'envFile ${workspaceFolder}/missing.env cannot be read; its settings may change where packages are fetched from',
    });
    expect(serverEnvironment(server({}, '${env:HOME}/.env'), [], '/p/.vscode', {}, disk)).toMatchObject({ status: 'cannot judge' });
    expect(serverEnvironment(server({ npm_config_registry: '${input:registry}' }), [], '/p', {}, disk)).toMatchObject({ status: 'cannot judge' });
  });
});

describe('serverFolder: where the client starts a server (its project .npmrc applies there)', () => {
  const env = { HOME: '/home/me' };
  it("a project's config starts its servers in the project; cwd and Claude Code's projects say so; user-wide configs do not know", () => {
    expect(serverFolder({}, '/work/app/.mcp.json', env)).toBe('/work/app');
    expect(serverFolder({}, '/work/app/.vscode/mcp.json', env)).toBe('/work/app');
    expect(serverFolder({ cwd: 'server' }, '/work/app/.cursor/mcp.json', env)).toBe('/work/app/server');
    expect(serverFolder({ project: '/work/other' }, '/home/me/.claude.json', env)).toBe('/work/other');
    expect(serverFolder({ cwd: '/srv/x' }, '/home/me/.claude.json', env)).toBe('/srv/x');
    expect(serverFolder({}, '/home/me/.claude.json', env)).toBeUndefined();
    expect(serverFolder({}, '/home/me/.cursor/mcp.json', env)).toBeUndefined();
    expect(serverFolder({}, '/home/me/.config/Claude/claude_desktop_config.json', env)).toBeUndefined();
  });
});

describe('--fix', () => {
  it('pinnedAs keeps the spec as written, with the version in place of the tag or range', () => {
    expect(pinnedAs('some-mcp@latest', '1.2.3')).toBe('some-mcp@1.2.3');
    expect(pinnedAs('@acme/mcp', '2.0.0')).toBe('@acme/mcp@2.0.0');
    expect(pinnedAs('mine@npm:@acme/mcp@^2', '2.1.0')).toBe('mine@npm:@acme/mcp@2.1.0');
  });

  it("pins an unpinned server's specs in its file (Claude Code's projects too), never a refused one; unchanged files are left out", () => {
    const text = `{
  "mcpServers": { "bad": { "command": "npx", "args": ["-y", "bad-mcp@latest"] } },
  "projects": {
    "/work/app": { "mcpServers": { "files": { "command": "npx", "args": ["--package=files-mcp@^1", "files", "--stdio"] } } }
  }
}`;
    const config = { path: '/home/me/.claude.json', shown: '~/.claude.json' };
    const [bad, files] = readMcpConfig(text, config.shown);
    const launch = (name: string, spec: string): ResolvedLaunch => ({
      spec,
      name,
      location: `node_modules/${name}`,
      version: '1.4.0',
      resolved: undefined,
      fromRegistry: true,
      bin: {},
    });
    const results = [
      { config, entry: bad!, status: 'refused' as const, verdict: { launches: [launch('bad-mcp', 'bad-mcp@latest')] } },
      { config, entry: files!, status: 'unpinned' as const, verdict: { launches: [launch('files-mcp', 'files-mcp@^1')] } },
    ];
    const { fixes, texts } = pinServers(results, syntax, (path) => (path === config.path ? text : ''));
    expect(fixes).toEqual([{ file: '~/.claude.json', server: 'projects["/work/app"].mcpServers.files', from: 'files-mcp@^1', to: 'files-mcp@1.4.0' }]);
    expect(texts).toEqual(new Map([[config.path, text.replace('"--package=files-mcp@^1"', '"--package=files-mcp@1.4.0"')]]));
    expect(pinServers(results.slice(0, 1), syntax, () => text).texts.size).toBe(0);
  });
});
