import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { depwardenAsync, depwardenInProcess } from '../support/cli.js';
import { type Registry } from '../support/registry.mjs';
import { sharedRegistry } from '../support/shared-registry.js';

const work = mkdtempSync(join(tmpdir(), 'depwarden-exec-e2e-'));
let registry: Registry;
let runs = 0;

/** Each run its own HOME and npm cache (the npx cache lives in it), so no run sees what another fetched. */
function npmEnv(home: string) {
  return {
    HOME: home,
    npm_config_offline: 'false',
    npm_config_userconfig: registry.npmrc,
    npm_config_cache: join(home, 'npm-cache'),
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    MARK_DIR: join(home, 'marks'),
  };
}

/**
 * A run of the built CLI in its own HOME. `inProcess`: main() in this process, for runs that start no process (a
 * refusal before npm runs, `mcp`'s verdicts): the spawned runs of this file prove what needs a process of its own
 * (the command's output and exit code through the terminal, npm as a child).
 */
async function depwarden(args: string[], cwd?: string, homeFiles: Record<string, string> = {}, { inProcess = false } = {}) {
  const home = join(work, `home-${++runs}`);
  mkdirSync(join(home, 'marks'), { recursive: true });
  for (const [file, text] of Object.entries(homeFiles)) {
    mkdirSync(join(home, file, '..'), { recursive: true });
    writeFileSync(join(home, file), text);
  }
  const run = await (inProcess ? depwardenInProcess : depwardenAsync)(args, { cwd: cwd ?? home, env: npmEnv(home) });
  return { ...run, marks: join(home, 'marks') };
}

/** A bin that proves it ran: it writes a marker file, echoes its arguments and exits with code 7. */
const BIN = `#!/usr/bin/env node
const { writeFileSync } = require('fs');
writeFileSync(require('path').join(process.env.MARK_DIR, require('./package.json').name.replace('/', '+')), 'ran');
process.stdout.write('server says: ' + process.argv.slice(2).join(' ') + '\\n');
process.exitCode = 7;
`;

function writePackage(manifest: Record<string, unknown>): string {
  const dir = join(work, 'packages', `${String(manifest.name).replace('/', '+')}-${String(manifest.version)}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(dir, 'index.js'), 'module.exports = 1;\n');
  if (manifest.bin) writeFileSync(join(dir, 'cli.js'), BIN);
  return dir;
}

beforeAll(async () => {
  // dw-plain and lodahs are the run's shared packages (shared-packages.ts).
  registry = sharedRegistry();
  await registry.publishAll(
    [
      { name: 'dw-mcp-bad', version: '1.0.0', bin: { 'dw-mcp-bad': 'cli.js' }, dependencies: { 'dw-helper': '^1.0.0' } },
      { name: 'dw-helper', version: '1.0.0', dependencies: { lodahs: '^1.0.0' } },
      { name: 'dw-mcp-good', version: '1.0.0', bin: { 'dw-mcp-good': 'cli.js' }, dependencies: { 'dw-plain': '^1.0.0' } },
      { name: 'dw-mcp-good', version: '1.1.0', bin: { 'dw-mcp-good': 'cli.js' }, dependencies: { 'dw-plain': '^1.0.0' } },
      { name: '@dw-tools/mcp-pinned', version: '2.0.0', bin: { 'mcp-pinned': 'cli.js' } },
      { name: '@modelcontext-protocol/sdk', version: '1.0.0', bin: { sdk: 'cli.js' } },
    ].map(writePackage),
  );
  // A later release under another tag must not run: only what was checked runs.
  await registry.publish(
    writePackage({ name: 'dw-mcp-good', version: '1.2.0-beta.1', bin: { 'dw-mcp-good': 'cli.js' }, dependencies: { lodahs: '^1.0.0' } }),
    'beta',
  );
});

afterAll(async () => {
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('depwarden exec / npx: the gate before npm exec (real npm, local verdaccio)', () => {
  it('refuses a server whose tree holds a near-miss name, and never runs it', async () => {
    // Refused on arborist's ideal tree, before npm runs: main() in this process (the runs below prove the launcher).
    const run = await depwarden(['exec', 'dw-mcp-bad', '--', '--stdio'], undefined, {}, { inProcess: true });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^depwarden: checked \d+ packages in the tree npm exec would fetch \(arborist's ideal tree of the packages asked for\)\n/m);
    expect(run.stderr).toContain('lodahs@1.0.0  [near-miss-name]');
    expect(run.stderr).toContain('via: (root) > dw-mcp-bad > dw-helper > lodahs');
    expect(run.stderr).toContain('exec refused: 1 finding(s) at or above high in the tree npm exec would fetch; nothing was run');
    expect(run.stdout).toBe('');
    expect(existsSync(join(run.marks, 'dw-mcp-bad'))).toBe(false);
  });

  it('runs a clean server at exactly the version it resolved: its output and exit code come through', async () => {
    const run = await depwarden(['exec', 'dw-mcp-good@latest', '--', 'hello', '--flag']);
    expect(run.stderr).toContain('depwarden: resolved dw-mcp-good@latest to dw-mcp-good@1.1.0');
    expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 7, stdout: 'server says: hello --flag\n' });
    expect(readFileSync(join(run.marks, 'dw-mcp-good'), 'utf8')).toBe('ran');
  });

  it('npx form: -y, a range, and the arguments after the package go to the command', async () => {
    const run = await depwarden(['npx', '-y', 'dw-mcp-good@^1.0.0', 'one', 'two']);
    expect(run.stderr).toContain('resolved dw-mcp-good@^1.0.0 to dw-mcp-good@1.1.0');
    expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 7, stdout: 'server says: one two\n' });
    const named = await depwarden(['npx', '--yes', '-p', '@dw-tools/mcp-pinned@2.0.0', 'mcp-pinned', 'x']);
    expect({ status: named.status, stdout: named.stdout }).toEqual({ status: 7, stdout: 'server says: x\n' });
    expect(named.stderr).not.toContain('resolved');
  });

  it('refuses a squatted scope before npm fetches anything', async () => {
    const run = await depwarden(['npx', '-y', '@modelcontext-protocol/sdk'], undefined, {}, { inProcess: true });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('depwarden: checked 1 name given as arguments\n');
    expect(run.stderr).toContain('  @modelcontext-protocol/sdk  [near-miss-name]  asked as @modelcontext-protocol/sdk\n');
    expect(run.stderr).toContain('in the packages asked for; nothing was run');
    expect(existsSync(join(run.marks, '@modelcontext-protocol+sdk'))).toBe(false);
  });
});

describe('depwarden mcp: the servers AI clients start', () => {
  const config = `{
  // the project's servers
  "mcpServers": {
    "files": { "command": "npx", "args": ["-y", "dw-mcp-good@latest", "--stdio"] },
    "squat": { "command": "npx", "args": ["-y", "@modelcontext-protocol/sdk"] },
    "pinned": { "command": "npx", "args": ["-y", "@dw-tools/mcp-pinned@2.0.0"], "env": { "A": "1" } },
    "remote": { "url": "https://mcp.example.test/sse" },
    "python": { "command": "uvx", "args": ["some-tool"] }
  }
}
`;

  it('gives each server its verdict: an unpinned one, a squatted scope, a pinned clean one; nothing runs', async () => {
    const project = join(work, 'mcp-project');
    mkdirSync(join(project, '.vscode'), { recursive: true });
    writeFileSync(join(project, '.vscode', 'mcp.json'), config.replace('"mcpServers"', '"servers"'));
    // Spawned: mcp's exit code through the launcher, its report on stdout and what it read on stderr.
    const run = await depwarden(['mcp'], project);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('depwarden: MCP configs found: .vscode/mcp.json');
    const verdicts = [...run.stdout.matchAll(/^\.vscode\/mcp\.json {2}(\S+) .*\n {2}([^:]+):/gm)].map((match) => `${match[1]}: ${match[2]}`);
    expect(verdicts).toEqual([
      'servers.files: unpinned',
      'servers.squat: refused',
      'servers.pinned: ok',
      'servers.remote: not checked',
      'servers.python: not checked',
    ]);
    expect(run.stdout).toContain('[unpinned-exec]');
    expect(run.stdout).toContain(
      'started as "dw-mcp-good@latest" (.vscode/mcp.json: servers.files): every start fetches whatever version is newest; checked 1.1.0',
    );
    expect(run.stdout).toContain('refused: 1 finding(s) at or above high in @modelcontext-protocol/sdk');
    expect(run.stdout).toContain('@modelcontext-protocol/sdk  [near-miss-name]');
    expect(run.stdout).toContain('5 server(s): 1 refused, 1 unpinned, 1 ok, 0 cannot be judged, 2 not npm launches');
    expect(readdirSync(run.marks)).toEqual([]);
  });

  it('--fix pins the unpinned server to the version checked, keeping comments and formatting; never the refused one', async () => {
    const project = join(work, 'mcp-fix');
    mkdirSync(join(project, '.vscode'), { recursive: true });
    const file = join(project, '.vscode', 'mcp.json');
    // With a byte order mark, as Notepad writes it: read, and kept.
    writeFileSync(file, `\uFEFF${config}`);
    const run = await depwarden(['mcp', '--fix', '.vscode/mcp.json'], project, {}, { inProcess: true });
    expect(run.stdout).toContain('pinned dw-mcp-good@latest to dw-mcp-good@1.1.0 in .vscode/mcp.json (mcpServers.files)');
    expect(run.stdout).toMatch(/1 unpinned \(1 pinned now by --fix\)/);
    expect(readFileSync(file, 'utf8')).toBe(`\uFEFF${config.replace('"dw-mcp-good@latest"', '"dw-mcp-good@1.1.0"')}`);
    const again = await depwarden(['mcp', '.vscode/mcp.json'], project, {}, { inProcess: true });
    expect(again.stdout).not.toContain('[unpinned-exec]');
    expect(again.stdout).toMatch(/mcpServers\.files .*\n {2}ok:/);
  });

  it('reads servers started through env and sh -c; a shell line it cannot read is refused; --fix pins only real arguments', async () => {
    const project = join(work, 'mcp-wrapped');
    mkdirSync(project, { recursive: true });
    const wrapped = `{
  "mcpServers": {
    "sh-squat": { "command": "sh", "args": ["-c", "npx -y @modelcontext-protocol/sdk"] },
    "env-squat": { "command": "env", "args": ["FOO=1", "npx", "-y", "@modelcontext-protocol/sdk"] },
    "piped": { "command": "bash", "args": ["-c", "npx -y dw-mcp-good@1.1.0 | tee log"] },
    "env-latest": { "command": "env", "args": ["A=1", "npx", "-y", "dw-mcp-good@latest"] },
    "sh-latest": { "command": "sh", "args": ["-c", "npx -y dw-mcp-good@latest"] }
  }
}
`;
    const file = join(project, '.mcp.json');
    writeFileSync(file, wrapped);
    const run = await depwarden(['mcp', '--fix'], project, {}, { inProcess: true });
    expect(run.status).toBe(1);
    const verdicts = [...run.stdout.matchAll(/^\.mcp\.json {2}(\S+) .*\n {2}([^:]+):/gm)].map((match) => `${match[1]}: ${match[2]}`);
    expect(verdicts).toEqual([
      'mcpServers.sh-squat: refused',
      'mcpServers.env-squat: refused',
      'mcpServers.piped: refused',
      'mcpServers.env-latest: unpinned',
      'mcpServers.sh-latest: unpinned',
    ]);
    expect(run.stdout).toContain("cannot tell what it starts (bash -c 'npx -y dw-mcp-good@1.1.0 | tee log': more than a plain word list)");
    expect(run.stdout).toContain('@modelcontext-protocol/sdk  [near-miss-name]');
    expect(readFileSync(file, 'utf8')).toBe(wrapped.replace('"A=1", "npx", "-y", "dw-mcp-good@latest"', '"A=1", "npx", "-y", "dw-mcp-good@1.1.0"'));
    expect(readdirSync(run.marks)).toEqual([]);
  });

  it("judges a server against the registry its own start sets (env, npx's --registry), and reads npm's options before exec", async () => {
    const project = join(work, 'mcp-registry');
    mkdirSync(project, { recursive: true });
    writeFileSync(
      join(project, '.mcp.json'),
      JSON.stringify({
        mcpServers: {
          'env-registry': { command: 'npx', args: ['-y', 'dw-mcp-good@1.1.0'], env: { npm_config_registry: registry.url } },
          'option-registry': { command: 'npx', args: ['--registry', registry.url, '-y', 'dw-mcp-good@1.1.0'] },
          'npm-options-first': { command: 'npm', args: ['--yes', 'exec', '@modelcontext-protocol/sdk'], env: { npm_config_registry: registry.url } },
          'other-folder': { command: 'pnpm', args: ['-C', '/srv/app', 'dlx', 'dw-mcp-good@1.1.0'] },
        },
      }),
    );
    // depwarden's own registry answers nothing: only a server's own setting can make it judged.
    const run = await depwarden(['mcp', '--registry', 'http://127.0.0.1:9/'], project, {}, { inProcess: true });
    const verdicts = [...run.stdout.matchAll(/^\.mcp\.json {2}(\S+) .*\n {2}([^:]+):/gm)].map((match) => `${match[1]}: ${match[2]}`);
    expect(verdicts).toEqual([
      'mcpServers.env-registry: ok',
      'mcpServers.option-registry: ok',
      'mcpServers.npm-options-first: refused',
      'mcpServers.other-folder: cannot judge',
    ]);
    expect(run.stdout).toContain(`ok: dw-mcp-good@1.1.0 (judged with the server's npm_config_registry=${registry.url})`);
    expect(run.stdout).toContain(`ok: dw-mcp-good@1.1.0 (judged with the server's --registry=${registry.url})`);
    expect(run.stdout).toContain('@modelcontext-protocol/sdk  [near-miss-name]');
    expect(run.stdout).toContain('cannot judge: -C=/srv/app changes where packages are fetched from, in a way depwarden cannot follow');
    expect(run.status).toBe(1);
    expect(readdirSync(run.marks)).toEqual([]);
  });

  it("reads npm's config from the folder a project's server starts in, not from where depwarden runs", async () => {
    const project = join(work, 'mcp-other-project');
    mkdirSync(project, { recursive: true });
    // This project's own .npmrc sends npx elsewhere (a registry that answers nothing).
    writeFileSync(join(project, 'package.json'), '{"name":"other-project","private":true}');
    writeFileSync(join(project, '.npmrc'), 'registry=http://127.0.0.1:9/\nfetch-retries=0\n');
    writeFileSync(join(project, '.mcp.json'), JSON.stringify({ mcpServers: { server: { command: 'npx', args: ['-y', 'dw-mcp-good@1.1.0'] } } }));
    const run = await depwarden(['mcp', join(project, '.mcp.json')], join(work, 'packages'), {}, { inProcess: true });
    expect(run.stdout).toMatch(/mcpServers\.server .*\n {2}(refused|cannot judge):/);
    expect(run.stdout).toContain('not checked against the registry: the registry refused the connection');
    expect(run.status).not.toBe(0);
  });

  it("yarn dlx and bunx with their own config files in the project cannot be judged with npm's configuration", async () => {
    const project = join(work, 'mcp-yarn-bun');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, '.yarnrc.yml'), 'npmRegistryServer: "http://127.0.0.1:9/"\n');
    writeFileSync(join(project, 'bunfig.toml'), '[install]\nregistry = "http://127.0.0.1:9/"\n');
    const servers = { yarn: { command: 'yarn', args: ['dlx', 'dw-mcp-good@1.1.0'] }, bun: { command: 'bunx', args: ['dw-mcp-good@1.1.0'] } };
    writeFileSync(join(project, '.mcp.json'), JSON.stringify({ mcpServers: servers }));
    const run = await depwarden(['mcp'], project, {}, { inProcess: true });
    expect(run.stdout).toContain(`cannot judge: yarn dlx reads its registry from ${join(project, '.yarnrc.yml')}, not from npm's configuration`);
    expect(run.stdout).toContain(`cannot judge: bunx reads its registry from ${join(project, 'bunfig.toml')}, not from npm's configuration`);
    expect(run.status).toBe(2);
  });

  it('says where it looked when no config exists, and reads the desktop clients’ files under HOME', async () => {
    const empty = await depwarden(['mcp'], join(work, 'packages'), {}, { inProcess: true });
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain('no MCP config found; looked for: .mcp.json');
    expect(empty.stderr).toContain(join('.codeium', 'windsurf', 'mcp_config.json'));
    const folder = await depwarden(['mcp', '.'], join(work, 'packages'), {}, { inProcess: true });
    expect(folder.stderr).toBe('depwarden: .: is not a file; depwarden mcp takes MCP config files\n');
    expect(folder.status).toBe(2);
    const desktop = await depwarden(
      ['mcp'],
      join(work, 'packages'),
      {
        '.config/Claude/claude_desktop_config.json': JSON.stringify({
          mcpServers: { pinned: { command: '/usr/local/bin/npx', args: ['-y', '@dw-tools/mcp-pinned@2.0.0'] } },
        }),
      },
      { inProcess: true },
    );
    expect(desktop.stderr).toMatch(/MCP configs found: \S*home-\d+\/\.config\/Claude\/claude_desktop_config\.json\n/);
    expect(desktop.stdout).toMatch(/mcpServers\.pinned .*\n {2}ok: @dw-tools\/mcp-pinned@2\.0\.0/);
    expect(desktop.status).toBe(0);
  });
});
