import { describe, expect, it } from 'vitest';
import { isPinnedSpec, npxSyntax, parseRunnerArgs, serverLaunch } from '../../src/npm/launch.js';
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
    expect(serverLaunch('node', ['server.js'], npx)).toEqual({ kind: 'other' });
    expect(serverLaunch('uvx', ['tool'], npx)).toEqual({ kind: 'other' });
  });
});
