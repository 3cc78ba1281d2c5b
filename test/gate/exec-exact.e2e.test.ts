import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { depwardenAsync, depwardenInProcess } from '../support/cli.js';
import { ISOLATED_ENV } from '../support/check.js';
import { type Registry } from '../support/registry.mjs';
import { sharedRegistry } from '../support/shared-registry.js';
import { tempDir } from '../support/temp.js';

const work = tempDir('exec-exact');
let registry: Registry;
let proxy: Server;
let proxyUrl: string;
/** Requests through the proxy, in order: `GET /path`, and `published <name>@<version>` when it published mid-run. */
const seen: string[] = [];
/** Published by the proxy before it forwards the first request of the npm CLI that installs: between the check and the run. */
let publishOnFirstRun: Record<string, unknown> | undefined;

/** A bin that names the version of its dependency it loaded, in a marker file and on stdout, and exits 7. */
const BIN = `#!/usr/bin/env node
const version = require(process.env.DEP_NAME + '/package.json').version;
require('fs').writeFileSync(require('path').join(process.env.MARK_DIR, 'ran'), version);
process.stdout.write('dep ' + version + ' args ' + process.argv.slice(2).join(' ') + '\\n');
process.exitCode = 7;
`;

/** A bin that says which copy of it ran, with its arguments. */
const WHO_RAN = (copy: string) => `#!/usr/bin/env node\nprocess.stdout.write('${copy} copy ran ' + process.argv.slice(2).join(' ') + '\\n');\n`;

/** An install script that leaves a marker named after its package. */
const MARK_SCRIPT = `require('fs').writeFileSync(require('path').join(process.env.MARK_DIR, 'script-' + require('./package.json').name), 'ran');\n`;

function publish(manifest: Record<string, unknown>, files: Record<string, string> = {}): Promise<void> {
  return registry.publish(writePackage(manifest, files));
}

function writePackage(manifest: Record<string, unknown>, files: Record<string, string> = {}): string {
  const dir = join(work, 'packages', `${String(manifest.name)}-${String(manifest.version)}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(dir, 'index.js'), 'module.exports = 1;\n');
  if (manifest.bin) writeFileSync(join(dir, 'cli.js'), BIN);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** A pass-through proxy in front of verdaccio (it keeps the Host header, so packuments name the proxy's tarball URLs). */
function startProxy(target: string): Promise<void> {
  const upstream = new URL(target);
  let publishing = Promise.resolve();
  proxy = createServer((incoming, outgoing) => {
    // The npm CLI names its command in every request; depwarden's own check (arborist in-process) does not.
    const command = incoming.headers['npm-command'];
    if (publishOnFirstRun && (command === 'ci' || command === 'exec' || command === 'install')) {
      publishing = publishNow(publishOnFirstRun);
      publishOnFirstRun = undefined;
    }
    // Every request waits for a publish under way: none is answered from before it.
    void publishing.then(() => forward(incoming, outgoing));
  });
  return new Promise((started) =>
    proxy.listen(0, '127.0.0.1', () => {
      const address = proxy.address() as { port: number };
      proxyUrl = `http://127.0.0.1:${address.port}/`;
      started();
    }),
  );

  /** A publish without blocking the proxy (npm keeps its other requests open meanwhile). */
  async function publishNow(manifest: Record<string, unknown>) {
    await publish(manifest);
    seen.push(`published ${String(manifest.name)}@${String(manifest.version)}`);
  }

  function forward(incoming: IncomingMessage, outgoing: ServerResponse) {
    seen.push(`${incoming.method} ${incoming.url}`);
    const forwarded = request(
      { host: upstream.hostname, port: upstream.port, path: incoming.url, method: incoming.method, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  }
}

/** A HOME with its own npm cache (the folder depwarden installs into lives in it), npm pointed at the proxy. */
function makeHome(name: string, files: Record<string, string> = {}): string {
  const home = join(work, name);
  mkdirSync(join(home, 'marks'), { recursive: true });
  const port = new URL(registry.url).port;
  writeFileSync(join(home, '.npmrc-test'), `registry=${proxyUrl}\n//127.0.0.1:${port}/:_authToken=depwarden-tests\n`);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(home, file, '..'), { recursive: true });
    writeFileSync(join(home, file), text);
  }
  return home;
}

/** The built CLI in `home`; `mcp` (it starts no process: it judges and pins) runs main() in this process. */
function run(home: string, args: string[], cwd = home, extraEnv: Record<string, string> = {}) {
  return (args[0] === 'mcp' ? depwardenInProcess : depwardenAsync)(args, {
    cwd,
    env: {
      HOME: home,
      npm_config_offline: 'false',
      npm_config_userconfig: join(home, '.npmrc-test'),
      npm_config_cache: join(home, 'npm-cache'),
      npm_config_update_notifier: 'false',
      MARK_DIR: join(home, 'marks'),
      ...extraEnv,
    },
  });
}

beforeAll(async () => {
  registry = sharedRegistry();
  await startProxy(registry.url);
  await registry.publishAll([
    writePackage({ name: 'dw-exact', version: '1.0.0', bin: { 'dw-exact': 'cli.js' }, dependencies: { 'dw-exact-dep': '^1.0.0' } }),
    writePackage({ name: 'dw-exact-dep', version: '1.0.0' }),
    writePackage({ name: 'dw-reuse', version: '1.0.0', bin: { 'dw-reuse': 'cli.js' }, dependencies: { 'dw-reuse-dep': '^1.0.0' } }),
    writePackage({ name: 'dw-reuse-dep', version: '1.0.0' }),
    writePackage({
      name: 'dw-scripted',
      version: '1.0.0',
      bin: { 'dw-scripted': 'cli.js' },
      dependencies: { 'dw-script-ok': '1.0.0', 'dw-script-no': '1.0.0' },
    }),
    writePackage({ name: 'dw-script-ok', version: '1.0.0', scripts: { postinstall: 'node mark.js' } }, { 'mark.js': MARK_SCRIPT }),
    writePackage({ name: 'dw-script-no', version: '1.0.0', scripts: { postinstall: 'node mark.js' } }, { 'mark.js': MARK_SCRIPT }),
    // Names of this file's own: exec-mcp.e2e.test.ts publishes dw-mcp-good and @dw-tools/mcp-pinned to the same registry.
    writePackage({ name: 'dw-claude-good', version: '1.1.0', bin: { 'dw-claude-good': 'cli.js' } }),
    writePackage({ name: '@dw-tools/claude-pinned', version: '2.0.0', bin: { 'claude-pinned': 'cli.js' } }),
    // A registry package of the same name as a project's own tool (dependency confusion): it must not run.
    writePackage({ name: 'dw-local-tool', version: '9.9.9', bin: { 'dw-local-tool': 'cli.js' } }, { 'cli.js': WHO_RAN('REGISTRY') }),
  ]);
}, 120_000);

afterAll(async () => {
  await new Promise((closed) => proxy?.close(closed));
  await registry?.stop();
});

describe('depwarden exec runs exactly the tree it checked (real npm, local verdaccio)', () => {
  it('a dependency release published between the check and the run does not run: the checked lockfile is installed', async () => {
    const home = makeHome('home-moved');
    seen.length = 0;
    publishOnFirstRun = { name: 'dw-exact-dep', version: '1.0.1' };
    const result = await run(home, ['exec', 'dw-exact', '--', 'a', 'b'], home, { DEP_NAME: 'dw-exact-dep' });
    expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 7, stdout: 'dep 1.0.0 args a b\n' });
    expect(readFileSync(join(home, 'marks', 'ran'), 'utf8')).toBe('1.0.0');
    // The new release was there before npm asked the registry for anything, and a fresh resolution now picks it.
    const published = seen.indexOf('published dw-exact-dep@1.0.1');
    expect(published).toBeGreaterThan(-1);
    expect(seen.slice(published + 1).sort()).toEqual(['GET /dw-exact-dep/-/dw-exact-dep-1.0.0.tgz', 'GET /dw-exact/-/dw-exact-1.0.0.tgz']);
    expect(seen).not.toContain('GET /dw-exact-dep/-/dw-exact-dep-1.0.1.tgz');
    expect(registry.npm(['view', 'dw-exact-dep', 'version']).stdout.trim()).toBe('1.0.1');
  });

  it('a changed tree never reuses the folder of an older one; the same tree does', async () => {
    const home = makeHome('home-reuse');
    const first = await run(home, ['exec', 'dw-reuse'], home, { DEP_NAME: 'dw-reuse-dep' });
    expect({ status: first.status, stdout: first.stdout }).toEqual({ status: 7, stdout: 'dep 1.0.0 args \n' });
    await publish({ name: 'dw-reuse-dep', version: '1.0.1' });
    // npm exec keys its npx cache by the specs asked for, and would run the folder holding 1.0.0 again.
    const second = await run(home, ['exec', 'dw-reuse'], home, { DEP_NAME: 'dw-reuse-dep' });
    expect({ status: second.status, stdout: second.stdout }).toEqual({ status: 7, stdout: 'dep 1.0.1 args \n' });
    // npx's -c form: the shell line finds the tree's executables first on PATH.
    const third = await run(home, ['npx', '-y', '-p', 'dw-reuse', '-c', 'dw-reuse from-call'], home, { DEP_NAME: 'dw-reuse-dep' });
    expect({ status: third.status, stdout: third.stdout }).toEqual({ status: 7, stdout: 'dep 1.0.1 args from-call\n' });
    const folders = readdirSync(join(home, 'npm-cache', '_depwarden-exec'));
    expect(folders).toHaveLength(2);
    expect(folders.every((name) => /^[0-9a-f]{32}$/.test(name))).toBe(true);
    expect(existsSync(join(home, 'npm-cache', '_npx'))).toBe(false);
  });

  it('runs the install scripts the policy allows, per package, and blocks the others', async () => {
    const home = makeHome('home-scripts', {
      'project/.depwardenrc.json': JSON.stringify({ allow: [{ package: 'dw-script-ok', rule: 'install-script', reason: 'reviewed' }] }),
    });
    const result = await run(home, ['exec', 'dw-scripted'], join(home, 'project'), { DEP_NAME: 'dw-script-ok' });
    expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 7, stdout: 'dep 1.0.0 args \n' });
    expect(result.stderr).toContain('depwarden: blocked the install scripts of dw-script-no@1.0.0: the policy does not allow them');
    expect(readdirSync(join(home, 'marks')).sort()).toEqual(['ran', 'script-dw-script-ok']);
  });
});

describe("depwarden mcp reads Claude Code's ~/.claude.json", () => {
  const claude = `{
  "numStartups": 12,
  "mcpServers": {
    "pinned": {
      "type": "stdio",
      "command": "npx",
      "args": ["-y", "@dw-tools/claude-pinned@2.0.0"],
      "env": {}
    }
  },
  "projects": {
    "/work/app": {
      "allowedTools": [],
      "mcpServers": {
        "files": {
          "type": "stdio",
          "command": "npx",
          "args": [
            "-y",
            "dw-claude-good@latest"
          ]
        }
      },
      "hasTrustDialogAccepted": true
    },
    "/work/other": {
      "allowedTools": []
    }
  }
}`;

  it('finds it, judges the user-wide and each project’s servers, and --fix pins in place keeping the formatting', async () => {
    const home = makeHome('home-claude', { '.claude.json': claude, 'cwd/.keep': '' });
    const found = await run(home, ['mcp'], join(home, 'cwd'));
    expect(found.stderr).toContain(`depwarden: MCP configs found: ${join(home, '.claude.json')}\n`);
    const verdicts = [...found.stdout.matchAll(/^\S*\.claude\.json {2}(\S+) .*\n {2}([^:]+):/gm)].map((match) => `${match[1]}: ${match[2]}`);
    expect(verdicts).toEqual(['mcpServers.pinned: ok', 'projects["/work/app"].mcpServers.files: unpinned']);
    expect(found.stdout).toContain(`(${join(home, '.claude.json')}: projects["/work/app"].mcpServers.files)`);
    expect(found.status).toBe(0);

    const fixed = await run(home, ['mcp', '--fix'], join(home, 'cwd'));
    expect(fixed.stdout).toContain(
      `pinned dw-claude-good@latest to dw-claude-good@1.1.0 in ${join(home, '.claude.json')} (projects["/work/app"].mcpServers.files)`,
    );
    expect(readFileSync(join(home, '.claude.json'), 'utf8')).toBe(claude.replace('"dw-claude-good@latest"', '"dw-claude-good@1.1.0"'));
    expect(readdirSync(join(home, 'marks'))).toEqual([]);
  });
});

describe('npx of what the project has installed runs that copy, as npm exec does (libnpmexec)', () => {
  /** A project with dw-local-tool 1.0.0 from a `file:` dependency, installed by real npm (nothing from the registry). */
  function localProject(home: string): string {
    const project = join(home, 'project');
    mkdirSync(join(project, 'tools'), { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', devDependencies: { 'dw-local-tool': 'file:./tools' } }));
    writeFileSync(join(project, 'tools', 'package.json'), JSON.stringify({ name: 'dw-local-tool', version: '1.0.0', bin: { 'dw-local-tool': 'cli.js' } }));
    writeFileSync(join(project, 'tools', 'cli.js'), WHO_RAN('LOCAL'));
    const installed = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--offline'], {
      cwd: project,
      env: { ...ISOLATED_ENV, HOME: home, npm_config_cache: join(home, 'npm-cache'), npm_config_userconfig: join(home, '.npmrc-test') },
      encoding: 'utf8',
    });
    expect(installed.status, installed.stderr).toBe(0);
    return project;
  }
  const requestsFor = (name: string) => seen.filter((line) => line.includes(`/${name}`));

  it('a bare name, a satisfied range and a -c line run the installed copy, fetch nothing and say so in one line', async () => {
    const home = makeHome('home-local');
    const project = localProject(home);
    seen.length = 0;
    const bare = await run(home, ['npx', 'dw-local-tool', 'a', 'b'], project);
    expect(bare).toEqual({
      status: 0,
      stdout: 'LOCAL copy ran a b\n',
      stderr: `depwarden: npm exec runs the installed copy, nothing is fetched (dw-local-tool is installed in ${join(project, 'node_modules', '.bin')}; depwarden check/ci judge that tree)\n`,
    });
    // From a folder below the project, as npm finds its project upward.
    mkdirSync(join(project, 'src'));
    expect(await run(home, ['exec', 'dw-local-tool', '--', 'c'], join(project, 'src'))).toMatchObject({ status: 0, stdout: 'LOCAL copy ran c\n' });
    const ranged = await run(home, ['npx', '-p', 'dw-local-tool@^1', 'dw-local-tool', 'd'], project);
    expect(ranged).toMatchObject({ status: 0, stdout: 'LOCAL copy ran d\n' });
    expect(ranged.stderr).toContain('(dw-local-tool@^1 is installed in ');
    const call = await run(home, ['npx', '-c', 'dw-local-tool e'], project);
    expect(call).toMatchObject({ status: 0, stdout: 'LOCAL copy ran e\n' });
    expect(requestsFor('dw-local-tool')).toEqual([]);
    expect(existsSync(join(home, 'npm-cache', '_depwarden-exec'))).toBe(false);
  });

  it('a version the project does not have is fetched, judged and run from the checked tree', async () => {
    const home = makeHome('home-local-other');
    const project = localProject(home);
    seen.length = 0;
    const other = await run(home, ['npx', '-y', 'dw-local-tool@9.9.9', 'f'], project);
    expect({ status: other.status, stdout: other.stdout }).toEqual({ status: 0, stdout: 'REGISTRY copy ran f\n' });
    expect(other.stderr).not.toContain('nothing is fetched');
    expect(requestsFor('dw-local-tool')).toContain('GET /dw-local-tool/-/dw-local-tool-9.9.9.tgz');
  });

  it('through the npx and npm shims: the installed copy runs, as with the real npx', async () => {
    const home = makeHome('home-local-shims');
    const project = localProject(home);
    const shims = join(home, 'shims');
    expect((await run(home, ['shims', '--dir', shims], project)).status).toBe(0);
    const env = {
      ...ISOLATED_ENV,
      PATH: [shims, process.env.PATH].join(delimiter),
      HOME: home,
      npm_config_offline: 'false',
      npm_config_userconfig: join(home, '.npmrc-test'),
      npm_config_cache: join(home, 'npm-cache'),
      npm_config_update_notifier: 'false',
    };
    seen.length = 0;
    const viaShim = spawnSync('npx', ['dw-local-tool', 'g'], { cwd: project, env, encoding: 'utf8' });
    expect({ status: viaShim.status, stdout: viaShim.stdout }).toEqual({ status: 0, stdout: 'LOCAL copy ran g\n' });
    expect(viaShim.stderr).toContain('nothing is fetched');
    const npmExec = spawnSync('npm', ['exec', '--', 'dw-local-tool', 'h'], { cwd: project, env, encoding: 'utf8' });
    expect({ status: npmExec.status, stdout: npmExec.stdout }).toEqual({ status: 0, stdout: 'LOCAL copy ran h\n' });
    // -c without --package: npx runs the line with the project's executables, nothing fetched (it was exit 2 before).
    const call = spawnSync('npx', ['-c', 'dw-local-tool i'], { cwd: project, env, encoding: 'utf8' });
    expect({ status: call.status, stdout: call.stdout }).toEqual({ status: 0, stdout: 'LOCAL copy ran i\n' });
    const npmCall = spawnSync('npm', ['exec', '-c', 'dw-local-tool j'], { cwd: project, env, encoding: 'utf8' });
    expect({ status: npmCall.status, stdout: npmCall.stdout }).toEqual({ status: 0, stdout: 'LOCAL copy ran j\n' });
    expect(requestsFor('dw-local-tool')).toEqual([]);
  });
});
