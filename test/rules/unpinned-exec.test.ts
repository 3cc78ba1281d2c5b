import { describe, expect, it } from 'vitest';
import { isPinnedSpec, npxSyntax, parseRunnerArgs, serverLaunch, shellWords } from '../../src/npm/launch.js';
import { unpinnedExec } from '../../src/rules/unpinned-exec.js';
import type { LaunchEvidence } from '../../src/rules/types.js';
import { contextOf, findingsIn, lockTree, registryEntry } from '../support/tree.js';

describe('unpinned-exec', () => {
  const tree = lockTree(
    {
      'node_modules/latest-mcp': registryEntry('latest-mcp', '1.2.3'),
      'node_modules/bare-mcp': registryEntry('bare-mcp', '2.0.0'),
      'node_modules/range-mcp': registryEntry('range-mcp', '3.1.0'),
      'node_modules/pinned-mcp': registryEntry('pinned-mcp', '4.0.0'),
      'node_modules/@scope/pinned': registryEntry('@scope/pinned', '5.0.0'),
    },
    { dependencies: { 'latest-mcp': '*', 'bare-mcp': '*', 'range-mcp': '*', 'pinned-mcp': '*', '@scope/pinned': '*' } },
  );
  const launches = new Map<string, LaunchEvidence>([
    ['node_modules/latest-mcp', { spec: 'latest-mcp@latest', where: '.mcp.json: mcpServers.a' }],
    ['node_modules/bare-mcp', { spec: 'bare-mcp', where: '.mcp.json: mcpServers.b' }],
    ['node_modules/range-mcp', { spec: 'range-mcp@^3', where: '.mcp.json: mcpServers.c' }],
    ['node_modules/pinned-mcp', { spec: 'pinned-mcp@4.0.0', where: '.mcp.json: mcpServers.d' }],
    ['node_modules/@scope/pinned', { spec: '@scope/pinned@5.0.0', where: '.mcp.json: mcpServers.e' }],
  ]);

  it('flags a tag, no version and a range; not an exact version; nothing without launches', () => {
    const context = { ...contextOf(tree), launches };
    expect(findingsIn(unpinnedExec, context)).toEqual([
      { location: 'node_modules/bare-mcp', code: 'unpinned-exec', severity: 'medium' },
      { location: 'node_modules/latest-mcp', code: 'unpinned-exec', severity: 'medium' },
      { location: 'node_modules/range-mcp', code: 'unpinned-exec', severity: 'medium' },
    ]);
    expect(unpinnedExec.check(context).find((finding) => finding.node.name === 'latest-mcp')!.detail).toEqual({
      code: 'unpinned-exec',
      spec: 'latest-mcp@latest',
      version: '1.2.3',
      where: '.mcp.json: mcpServers.a',
    });
    expect(findingsIn(unpinnedExec, contextOf(tree))).toEqual([]);
  });

  it('knows a pin from a tag, a range, an alias and a git commit', () => {
    expect(['x@1.0.0', '@s/x@1.0.0', 'a@npm:b@1.0.0', 'github:u/r#0123456789012345678901234567890123456789'].map(isPinnedSpec)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['x', 'x@latest', 'x@^1', '@s/x', 'a@npm:b@latest', 'x@1.x'].map(isPinnedSpec)).toEqual([false, false, false, false, false, false]);
  });
});

describe('launch commands, as each runner reads them', () => {
  const npx = npxSyntax(new Set(['yes', 'ignore-scripts', 'prefer-offline']));
  const packagesOf = (command: string, args: string[]) => {
    const started = serverLaunch(command, args, npx);
    return started.kind === 'runner'
      ? { runner: started.launch.runner, packages: started.launch.packages, command: started.launch.command, args: started.launch.commandArgs }
      : started.kind;
  };

  it('npx: options until the first positional, which is the package; -p names packages, then the positional is the command', () => {
    expect(parseRunnerArgs('npx', ['-y', 'some-mcp@latest', '--stdio', '-p', 'x'], npx)).toEqual({
      runner: 'npx',
      packages: [{ spec: 'some-mcp@latest', argIndex: 1, prefix: '' }],
      command: undefined,
      call: undefined,
      commandArgs: ['--stdio', '-p', 'x'],
      yes: true,
      settings: [],
    });
    expect(packagesOf('npx', ['--prefer-offline', '--package=a@1', '-p', 'b', 'run-it', 'arg'])).toEqual({
      runner: 'npx',
      packages: [
        { spec: 'a@1', argIndex: 1, prefix: '--package=' },
        { spec: 'b', argIndex: 3, prefix: '' },
      ],
      command: 'run-it',
      args: ['arg'],
    });
    expect(packagesOf('npx', ['--registry', 'https://registry.example.test/', 'pkg'])).toMatchObject({ packages: [{ spec: 'pkg', argIndex: 2 }] });
  });

  it('npm exec, pnpm dlx, yarn dlx, bunx, cmd /c npx, full paths and node_modules/.bin', () => {
    expect(packagesOf('npm', ['exec', '--yes', '--', 'pkg@1', 'a'])).toMatchObject({
      runner: 'npm exec',
      packages: [{ spec: 'pkg@1', argIndex: 3 }],
      args: ['a'],
    });
    expect(packagesOf('pnpm', ['dlx', 'pkg', 'a'])).toMatchObject({ runner: 'pnpm dlx', packages: [{ spec: 'pkg', argIndex: 1 }] });
    expect(packagesOf('yarn', ['dlx', '-q', 'pkg'])).toMatchObject({ runner: 'yarn dlx', packages: [{ spec: 'pkg', argIndex: 2 }] });
    expect(packagesOf('bunx', ['--bun', 'pkg@latest'])).toMatchObject({ runner: 'bunx', packages: [{ spec: 'pkg@latest', argIndex: 1 }] });
    expect(packagesOf('cmd', ['/c', 'npx', '-y', 'pkg'])).toMatchObject({ runner: 'npx', packages: [{ spec: 'pkg', argIndex: 3 }] });
    expect(packagesOf('C:\\Program Files\\nodejs\\npx.cmd', ['-y', 'pkg'])).toMatchObject({ runner: 'npx', packages: [{ spec: 'pkg', argIndex: 1 }] });
    expect(serverLaunch('./node_modules/.bin/some-mcp', [], npx)).toEqual({ kind: 'installed-bin', binPath: './node_modules/.bin/some-mcp' });
    expect(serverLaunch('node', ['server.js'], npx)).toEqual({ kind: 'other', program: 'node' });
    expect(serverLaunch('uvx', ['tool'], npx)).toEqual({ kind: 'other', program: 'uvx' });
  });

  it('env: its options and NAME=value words, then the command; options it does not know fail closed', () => {
    expect(packagesOf('env', ['FOO=1', 'npx', '-y', 'expresss'])).toMatchObject({ runner: 'npx', packages: [{ spec: 'expresss', argIndex: 3 }] });
    expect(packagesOf('/usr/bin/env', ['-i', '-u', 'HOME', '--chdir=/tmp', '--', 'A=1', 'B=', 'npx', 'pkg@1'])).toMatchObject({
      packages: [{ spec: 'pkg@1', argIndex: 8 }],
    });
    expect(packagesOf('env', ['-iv', 'PATH=/bin', 'cmd', '/c', 'npx', '-y', 'pkg'])).toMatchObject({ packages: [{ spec: 'pkg', argIndex: 6 }] });
    expect(packagesOf('env', ['-', 'npm', 'exec', '--', 'pkg'])).toMatchObject({ runner: 'npm exec', packages: [{ spec: 'pkg', argIndex: 4 }] });
    expect(serverLaunch('env', ['FOO=1', 'python', 'server.py'], npx)).toEqual({ kind: 'other', program: 'python' });
    expect(serverLaunch('env', ['FOO=1'], npx)).toEqual({ kind: 'other', program: 'env' });
    expect(serverLaunch('env', ['-S', 'npx -y pkg'], npx)).toEqual({ kind: 'unreadable', reason: 'env option -S' });
    expect(serverLaunch('env', ['--split-string=npx pkg'], npx)).toEqual({ kind: 'unreadable', reason: 'env option --split-string=npx pkg' });
  });

  it('sh, bash, zsh -c: a plain word list is read as the command it runs; anything the shell would expand fails closed', () => {
    expect(serverLaunch('sh', ['-c', 'npx -y expresss'], npx)).toMatchObject({
      kind: 'runner',
      inShellLine: true,
      launch: { packages: [{ spec: 'expresss' }] },
    });
    expect(packagesOf('bash', ['-lc', 'FOO=1 exec npx -y \'some-mcp@^1.2\' "--stdio"'])).toMatchObject({
      runner: 'npx',
      packages: [{ spec: 'some-mcp@^1.2' }],
      args: ['--stdio'],
    });
    expect(packagesOf('/bin/zsh', ['-o', 'pipefail', '-c', 'env A=1 pnpm dlx pkg@~1.2', 'name'])).toMatchObject({
      runner: 'pnpm dlx',
      packages: [{ spec: 'pkg@~1.2' }],
    });
    expect(packagesOf('bash', ['--norc', '-c', '--', '  npx\t-y  a  '])).toMatchObject({ packages: [{ spec: 'a' }] });
    expect(serverLaunch('sh', ['-c', 'python server.py'], npx)).toEqual({ kind: 'other', program: 'python' });
    expect(serverLaunch('bash', ['start.sh'], npx)).toEqual({ kind: 'other', program: 'bash' });
    for (const line of [
      'npx -y a | tee log',
      'npx -y a; rm -rf x',
      'npx -y $(cat pkg)',
      'npx -y "$PKG"',
      'npx -y `cat pkg`',
      'npx -y a && b',
      'npx -y a > log',
      'npx -y pkg*',
      'npx -y {a,b}',
      'npx -y ~/pkg.tgz',
      'npx -y "a',
      'npx -y a\nnpx b',
      'npx -y a\\ b',
      '# npx -y a',
      'FOO=1',
    ]) {
      expect(serverLaunch('sh', ['-c', line], npx), line).toMatchObject({ kind: 'unreadable' });
    }
    expect(serverLaunch('bash', ['-c'], npx)).toEqual({ kind: 'unreadable', reason: 'bash -c without a command' });
  });

  it('shellWords: the words of a plain line', () => {
    expect(shellWords(`npx -y 'a b' "c"d e@~1`)).toEqual(['npx', '-y', 'a b', 'cd', 'e@~1']);
    expect(shellWords('')).toEqual([]);
    expect(shellWords('a | b')).toBeUndefined();
  });
});
