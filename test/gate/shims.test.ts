import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { npmCommandList, npmPositionals } from '../../src/cli/npm-argv.js';
import { SHIM_MARK, findTool, npmGatedWords, pathWithout, profileLine, routeShim, shimCmd, shimScript, type ShimTool } from '../../src/gate/shims.js';
import { depwardenInProcess } from '../support/cli.js';
import { tempDir } from '../support/temp.js';

/** npm's own command list, from the npm installed here (npm 11). */
const npmList = npmCommandList(process.env);
const npm = { positionals: npmPositionals, deref: (word: string) => npmList.deref(word) };
const npmWords = npmGatedWords(npmList);

describe('routeShim', () => {
  it.each([
    ['npm', ['install', 'left-pad'], { kind: 'depwarden', argv: ['install', '--manager', 'npm', 'left-pad'] }],
    ['npm', ['i', '-D', 'a'], { kind: 'depwarden', argv: ['install', '--manager', 'npm', '-D', 'a'] }],
    // npm's own parser places the subcommand after an option's value.
    ['npm', ['--prefix', 'sub', 'isntall'], { kind: 'depwarden', argv: ['install', '--manager', 'npm', '--prefix', 'sub'] }],
    ['npm', ['clean-install'], { kind: 'depwarden', argv: ['ci', '--manager', 'npm'] }],
    ['npm', ['exec', '--', 'cowsay', 'hi'], { kind: 'depwarden', argv: ['npx', 'cowsay', 'hi'] }],
    ['npm', ['x', '-y', 'cowsay'], { kind: 'depwarden', argv: ['npx', '-y', 'cowsay'] }],
    ['npm', ['run', 'build'], { kind: 'pass' }],
    ['npm', ['--version'], { kind: 'pass' }],
    ['npm', ['init'], { kind: 'pass' }],
    ['npm', ['init', 'vite'], { kind: 'refuse' }],
    ['npm', ['update'], { kind: 'refuse' }],
    ['npm', ['install', '-g', 'a'], { kind: 'refuse' }],
    ['npm', ['cit'], { kind: 'refuse' }],
    ['npx', ['-y', 'some-mcp@latest'], { kind: 'depwarden', argv: ['npx', '-y', 'some-mcp@latest'] }],
    ['bunx', ['cowsay'], { kind: 'depwarden', argv: ['npx', 'cowsay'] }],
    ['pnpm', ['add', 'a', '-D'], { kind: 'depwarden', argv: ['install', '--manager', 'pnpm', 'a', '-D'] }],
    ['pnpm', ['--filter', 'web', 'add', 'a'], { kind: 'depwarden', argv: ['install', '--manager', 'pnpm', '--filter', 'web', 'a'] }],
    ['pnpm', ['install', '--frozen-lockfile'], { kind: 'depwarden', argv: ['ci', '--manager', 'pnpm'] }],
    ['pnpm', ['dlx', 'create-vite'], { kind: 'depwarden', argv: ['npx', 'create-vite'] }],
    ['pnpm', ['exec', 'tsc'], { kind: 'pass' }],
    ['pnpm', ['up'], { kind: 'refuse' }],
    ['yarn', [], { kind: 'depwarden', argv: ['install', '--manager', 'yarn'] }],
    ['yarn', ['--immutable'], { kind: 'depwarden', argv: ['ci', '--manager', 'yarn'] }],
    ['yarn', ['add', 'a'], { kind: 'depwarden', argv: ['install', '--manager', 'yarn', 'a'] }],
    ['yarn', ['global', 'add', 'a'], { kind: 'refuse' }],
    ['yarn', ['build'], { kind: 'pass' }],
    ['bun', ['i', '--frozen-lockfile'], { kind: 'depwarden', argv: ['ci', '--manager', 'bun'] }],
    ['bun', ['a', 'x'], { kind: 'depwarden', argv: ['install', '--manager', 'bun', 'x'] }],
    ['bun', ['x', 'cowsay'], { kind: 'depwarden', argv: ['npx', 'cowsay'] }],
    ['bun', ['pm', 'trust', 'a'], { kind: 'refuse' }],
    ['bun', ['pm', 'ls'], { kind: 'pass' }],
    ['bun', ['run', 'dev'], { kind: 'pass' }],
    // npm reads camelCase, aliases and unique abbreviations (its cmd-list.js deref).
    ['npm', ['cleanInstall'], { kind: 'depwarden', argv: ['ci', '--manager', 'npm'] }],
    ['npm', ['install-cl'], { kind: 'depwarden', argv: ['ci', '--manager', 'npm'] }],
    ['npm', ['exe', '--', 'cowsay'], { kind: 'depwarden', argv: ['npx', 'cowsay'] }],
    ['npm', ['isntallClean'], { kind: 'depwarden', argv: ['ci', '--manager', 'npm'] }],
    ['npm', ['clean-install-test'], { kind: 'refuse', reason: expect.stringContaining('`npm clean-install-test`') }],
    ['npm', ['sit'], { kind: 'refuse' }],
    ['npm', ['installTest'], { kind: 'refuse' }],
    ['npm', ['upd'], { kind: 'refuse' }],
    ['npm', ['u'], { kind: 'refuse' }],
    ['npm', ['reb'], { kind: 'refuse' }],
    ['npm', ['ddp'], { kind: 'refuse' }],
    ['npm', ['cr', 'vite'], { kind: 'refuse', reason: expect.stringContaining('`npm cr <initializer>`') }],
    ['npm', ['create'], { kind: 'pass' }],
    ['npm', ['link', 'left-pad'], { kind: 'refuse', reason: expect.stringContaining('`npm link <package>`') }],
    ['npm', ['ln'], { kind: 'pass' }],
    ['npm', ['install-scripts'], { kind: 'pass' }],
    ['npm', ['t'], { kind: 'pass' }],
    ['npm', ['isn'], { kind: 'pass' }],
    ['pnpm', ['dedupe'], { kind: 'refuse' }],
    ['pnpm', ['deploy', 'out'], { kind: 'refuse' }],
    ['pnpm', ['patch-commit', 'dir'], { kind: 'refuse' }],
    ['pnpm', ['remove', 'a'], { kind: 'refuse' }],
    ['pnpm', ['rm', 'a'], { kind: 'refuse' }],
    ['yarn', ['workspaces', 'focus', 'web'], { kind: 'refuse', reason: expect.stringContaining('`yarn workspaces focus`') }],
    ['yarn', ['workspaces', 'foreach', '-A', 'run', 'build'], { kind: 'pass' }],
    ['yarn', ['dedupe'], { kind: 'refuse' }],
    ['bun', ['link', 'a'], { kind: 'refuse' }],
    ['bun', ['link'], { kind: 'refuse' }],
    ['bun', ['remove', 'a'], { kind: 'refuse' }],
  ] as const)('%s %j', (tool, argv, expected) => {
    expect(routeShim(tool, argv, npm)).toMatchObject(expected);
  });

  it("npm's gated spellings come from npm's own list, and npm itself reads each as that command", () => {
    for (const word of ['cleanInstall', 'clean-install-test', 'sit', 'installTest', 'install-cl', 'upd', 'u', 'exe', 'reb', 'cr']) {
      const command = npmList.deref(word)!;
      // `npm <word> --help` names the command npm runs for it.
      const help = spawnSync('npm', [word, '--help'], { encoding: 'utf8' }).stdout;
      expect(help.split('\n')[3]!.split(' ')[1], word).toBe(command);
      if (word === word.toLowerCase()) expect(npmWords, word).toContain(word);
    }
    expect(npmWords).toEqual(expect.arrayContaining(['install', 'i', 'add', 'ci', 'ic', 'exec', 'x', 'update', 'rebuild', 'init', 'create', 'dedupe']));
    for (const passed of ['run', 'test', 't', 'ls', 'view', 'install-scripts', 'e', 'isn', 'uninstall']) expect(npmWords, passed).not.toContain(passed);
  });

  it('says why it refuses and how to go on', () => {
    expect(routeShim('pnpm', ['update'], npm)).toEqual({
      kind: 'refuse',
      reason: '`pnpm update` is not gated by depwarden: run it with the real tool (its full path) if you mean it, or use `depwarden install`/`exec`',
    });
  });
});

describe('findTool and pathWithout', () => {
  const executables = new Set(['/shims/pnpm', '/usr/local/bin/pnpm', '/usr/bin/pnpm', '/win/pnpm.cmd']);
  const options = { delimiter: ':', join: posix.join, isExecutable: (path: string) => executables.has(path) };

  it('finds the first tool on PATH that is not in the shim folder', () => {
    expect(findTool('pnpm', '/shims:/usr/local/bin:/usr/bin', options)).toBe('/shims/pnpm');
    expect(findTool('pnpm', '/shims:/usr/local/bin:/usr/bin', { ...options, skip: '/shims' })).toBe('/usr/local/bin/pnpm');
    expect(findTool('pnpm', '/shims/:/usr/bin', { ...options, skip: '/shims' })).toBe('/usr/bin/pnpm');
    expect(findTool('pnpm', '/shims', { ...options, skip: '/shims' })).toBeUndefined();
    expect(findTool('pnpm', '/win', { ...options, extensions: ['.exe', '.cmd'] })).toBe('/win/pnpm.cmd');
  });

  it('takes the shim folder off PATH, however it is written', () => {
    expect(pathWithout('/shims:/usr/bin:/shims/:/bin', '/shims', ':')).toBe('/usr/bin:/bin');
  });

  it('gives the profile line for the shell', () => {
    expect(profileLine("/home/o'neil/shims", 'linux')).toBe(`export PATH='/home/o'\\''neil/shims':"$PATH"`);
    expect(profileLine('C:\\Users\\a\\shims', 'win32')).toBe('$env:PATH = "C:\\Users\\a\\shims;" + $env:PATH');
  });
});

describe('the sh shims, run by sh', () => {
  /**
   * A shim folder, a "real" tool after it that prints what it got, and a stand-in for node + depwarden that prints
   * what depwarden would get: which side a command reaches is then in the output.
   */
  function setUp(tool: ShimTool, realTools: string[] = [tool]) {
    const root = tempDir('shims');
    const shims = join(root, "shims with 'quotes'");
    const real = join(root, 'real');
    mkdirSync(shims);
    mkdirSync(real);
    const stub = (path: string, text: string) => {
      writeFileSync(path, `#!/bin/sh\n${text}\n`);
      chmodSync(path, 0o755);
    };
    for (const name of realTools) stub(join(real, name), `echo "real ${name}: $*"`);
    const node = join(root, 'node');
    stub(node, 'echo "depwarden: $* (shim dir: $DEPWARDEN_SHIM_DIR)"');
    const script = shimScript(tool, { node, bin: join(root, 'depwarden.js'), dir: shims }, npmWords);
    stub(join(shims, tool), script.replace(/^#!\/bin\/sh\n/, ''));
    const run = (args: string[], path = `${shims}:${real}:/usr/bin:/bin`) =>
      spawnSync('sh', [join(shims, tool), ...args], { encoding: 'utf8', env: { PATH: path } });
    return { shims, run, script };
  }

  it('marks the file as depwarden’s', () => {
    const { script } = setUp('pnpm');
    expect(script.split('\n').slice(0, 2)).toEqual(['#!/bin/sh', `# ${SHIM_MARK}: written by \`depwarden shims\`; \`depwarden shims --remove\` deletes it.`]);
    expect(shimCmd('npm', { node: 'C:\\node.exe', bin: 'C:\\dw\\bin\\depwarden.js', dir: 'C:\\shims' })).toContain(`rem ${SHIM_MARK}`);
  });

  it('sends install-like subcommands and leading options to depwarden, naming the shim folder', () => {
    const { run, shims } = setUp('pnpm');
    expect(run(['add', 'left-pad', '-D']).stdout).toBe(`depwarden: ${join(shims, '..', 'depwarden.js')} shim pnpm add left-pad -D (shim dir: ${shims})\n`);
    expect(run(['--filter', 'web', 'install']).stdout).toContain('depwarden: ');
    expect(run(['i']).stdout).toContain('shim pnpm i');
  });

  it('passes everything else to the real tool after the shim folder, never to itself', () => {
    const { run } = setUp('pnpm');
    expect(run(['run', 'build', 'a b']).stdout).toBe('real pnpm: run build a b\n');
    expect(run([]).stdout).toBe('real pnpm: \n');
  });

  it('says so when there is no real tool after it', () => {
    const { run, shims } = setUp('pnpm', []);
    const result = run(['run', 'build']);
    expect(result.status).toBe(127);
    expect(result.stderr).toBe(`depwarden shim: no pnpm on PATH after ${shims}\n`);
  });

  it('yarn with no subcommand installs: it goes to depwarden', () => {
    const { run } = setUp('yarn');
    expect(run([]).stdout).toContain('shim yarn');
    expect(run(['test']).stdout).toBe('real yarn: test\n');
  });

  it("npm: every spelling of npm's install-running commands and any camelCase word go to depwarden; the rest pass", () => {
    const { run } = setUp('npm');
    for (const word of ['sit', 'clean-install-test', 'install-cl', 'upd', 'u', 'exe', 'reb', 'cr', 'cleanInstall', 'installTest', 'Whatever']) {
      expect(run([word]).stdout, word).toContain(`shim npm ${word}`);
    }
    for (const word of ['run', 'test', 'ls', 'uninstall']) expect(run([word, 'x']).stdout, word).toBe(`real npm: ${word} x\n`);
  });

  it('pnpm, yarn and bun: the commands that install send to depwarden (which refuses them)', () => {
    expect(setUp('pnpm').run(['patch-commit', 'x']).stdout).toContain('shim pnpm patch-commit x');
    expect(setUp('yarn').run(['workspaces', 'focus']).stdout).toContain('shim yarn workspaces focus');
    expect(setUp('bun').run(['link']).stdout).toContain('shim bun link');
  });

  it('npx always goes to depwarden', () => {
    const { run } = setUp('npx');
    expect(run(['cowsay']).stdout).toContain('shim npx cowsay');
  });
});

describe('depwarden shims never writes through what is already there', () => {
  const env = (root: string) => ({ HOME: root, XDG_DATA_HOME: undefined });

  it('a dangling symlink named like a shim is refused: its target is never created', async () => {
    const root = tempDir('shims-link');
    const dir = join(root, 'shims');
    mkdirSync(dir);
    symlinkSync(join(root, 'victim'), join(dir, 'npm'));
    const result = await depwardenInProcess(['shims', '--dir', dir], { cwd: root, env: env(root) });
    expect(result).toEqual({
      status: 2,
      stdout: '',
      stderr: `depwarden: ${dir} already holds npm, not written by depwarden: choose another folder with --dir\n`,
    });
    expect(existsSync(join(root, 'victim'))).toBe(false);
    expect(readdirSync(dir)).toEqual(['npm']);
  });

  it('a symlink to a shim of ours is not ours either: neither written through nor removed', async () => {
    const root = tempDir('shims-link-ours');
    const dir = join(root, 'shims');
    const first = join(root, 'first');
    expect((await depwardenInProcess(['shims', '--dir', first], { cwd: root, env: env(root) })).status).toBe(0);
    const before = readFileSync(join(first, 'npx'), 'utf8');
    mkdirSync(dir);
    symlinkSync(join(first, 'npx'), join(dir, 'npx'));
    expect((await depwardenInProcess(['shims', '--dir', dir], { cwd: root, env: env(root) })).stderr).toContain(
      `${dir} already holds npx, not written by depwarden`,
    );
    expect((await depwardenInProcess(['shims', '--remove', '--dir', dir], { cwd: root, env: env(root) })).stdout).toBe(
      `depwarden: no depwarden shims in ${dir}; nothing removed\n`,
    );
    expect(lstatSync(join(dir, 'npx')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(first, 'npx'), 'utf8')).toBe(before);
  });

  it('its own shims are written again as new executable files', async () => {
    const root = tempDir('shims-again');
    const dir = join(root, 'shims');
    expect((await depwardenInProcess(['shims', '--dir', dir], { cwd: root, env: env(root) })).status).toBe(0);
    writeFileSync(join(dir, 'yarn'), `#!/bin/sh\n# ${SHIM_MARK}: an older one\n`);
    expect((await depwardenInProcess(['shims', '--dir', dir], { cwd: root, env: env(root) })).status).toBe(0);
    expect(readFileSync(join(dir, 'yarn'), 'utf8')).toContain('case "${1-}" in');
    for (const file of readdirSync(dir)) {
      const stats = lstatSync(join(dir, file));
      expect({ file, regular: stats.isFile(), mode: stats.mode & 0o777 }).toEqual({ file, regular: true, mode: 0o755 });
    }
  });
});
