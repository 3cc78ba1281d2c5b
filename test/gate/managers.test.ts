import { describe, expect, it } from 'vitest';
import { detectManager, installArgs, managerPositionals, pnpmRebuildProblem, rebuildCommand, resolveArgs, rootScriptArgs } from '../../src/gate/managers.js';

const files =
  (present: Record<string, string>) =>
  (name: string): string | undefined =>
    present[name];

describe('detectManager', () => {
  it.each([
    // [package.json, files present, --manager, expected manager, because]
    [{ packageManager: 'pnpm@9.15.9' }, { 'package-lock.json': '{}' }, undefined, 'pnpm', 'package.json packageManager'],
    [{ devEngines: { packageManager: { name: 'bun', version: '1.4.5' } } }, {}, undefined, 'bun', 'package.json packageManager'],
    [{ packageManager: 'yarn@1.22.22' }, {}, undefined, 'yarn-classic', 'package.json packageManager'],
    [{ packageManager: 'yarn@4.18.1+sha512.abc' }, {}, undefined, 'yarn-berry', 'package.json packageManager'],
    [{ devEngines: { packageManager: { name: 'yarn', version: '^4.0.0' } } }, {}, undefined, 'yarn-berry', 'package.json packageManager'],
    [{}, { 'yarn.lock': '__metadata:\n  version: 8\n' }, undefined, 'yarn-berry', 'yarn.lock'],
    [{}, { 'yarn.lock': '# yarn lockfile v1\n' }, undefined, 'yarn-classic', 'yarn.lock'],
    [{}, { 'yarn.lock': '', '.yarnrc.yml': 'nodeLinker: node-modules\n' }, undefined, 'yarn-berry', 'yarn.lock'],
    [{}, { 'yarn.lock': '' }, undefined, 'yarn-classic', 'yarn.lock'],
    // npm's lockfiles come first when package.json names no manager, as in `check`.
    [{}, { 'package-lock.json': '{}', 'pnpm-lock.yaml': '' }, undefined, 'npm', 'package-lock.json'],
    [{}, { 'bun.lockb': 'x' }, undefined, 'bun', 'bun.lockb'],
    [{}, {}, undefined, 'npm', 'no other manager named or locked'],
    [{ packageManager: 'pnpm@9.0.0' }, {}, 'bun', 'bun', '--manager bun'],
    // An unknown declared manager falls back to the lockfiles.
    [{ packageManager: 'deno@2.0.0' }, { 'pnpm-lock.yaml': '' }, undefined, 'pnpm', 'pnpm-lock.yaml'],
  ] as const)('%j with %j (--manager %s) is %s', (manifest, present, asked, manager, because) => {
    expect(detectManager(manifest, files(present), asked)).toEqual({ manager, because });
  });

  it('refuses a --manager it does not drive', () => {
    expect(() => detectManager({}, files({}), 'deno')).toThrow('--manager must be one of npm, pnpm, yarn, bun; found "deno"');
  });
});

describe('managerPositionals', () => {
  it.each([
    ['pnpm', ['-D', 'left-pad', '--filter', 'web', 'is-odd@^3'], ['left-pad', 'is-odd@^3']],
    ['pnpm', ['--filter=web', 'a', '--', 'b'], ['a']],
    ['yarn-classic', ['--cwd', 'sub', '--dev', 'a'], ['a']],
    ['yarn-berry', ['-E', '--mode', 'skip-build', 'a@npm:b@1'], ['a@npm:b@1']],
    ['bun', ['-d', '--cwd', 'x', '@scope/a'], ['@scope/a']],
  ] as const)('%s %j: %j', (manager, args, specs) => {
    expect(managerPositionals(manager, args)).toEqual(specs);
  });
});

describe('the commands each manager runs', () => {
  it('resolves in the temporary copy with its lockfile-only mode and scripts off', () => {
    expect(resolveArgs('pnpm', ['a'], ['a', '-D'])).toEqual({ args: ['add', 'a', '-D', '--lockfile-only', '--ignore-scripts'], env: {} });
    expect(resolveArgs('pnpm', [], [])).toEqual({ args: ['install', '--lockfile-only', '--ignore-scripts'], env: {} });
    expect(resolveArgs('yarn-berry', [], [])).toEqual({
      args: ['install', '--mode=update-lockfile'],
      env: { YARN_ENABLE_IMMUTABLE_INSTALLS: 'false', YARN_ENABLE_SCRIPTS: 'false' },
    });
    expect(resolveArgs('yarn-classic', ['a'], ['a'])).toEqual({ args: ['add', 'a', '--ignore-scripts', '--non-interactive', '--no-progress'], env: {} });
    expect(resolveArgs('bun', [], [])).toEqual({ args: ['install', '--lockfile-only', '--ignore-scripts', '--save-text-lockfile'], env: {} });
  });

  it('installs in the project with its own script blocking, frozen for ci, and unblocked with --scripts all', () => {
    expect(installArgs('pnpm', 'install', ['a'], ['a'], 'allowed')).toEqual(['add', 'a', '--ignore-scripts']);
    expect(installArgs('pnpm', 'ci', [], [], 'allowed')).toEqual(['install', '--frozen-lockfile', '--ignore-scripts']);
    expect(installArgs('yarn-classic', 'ci', [], [], 'allowed')).toEqual(['install', '--frozen-lockfile', '--ignore-scripts']);
    expect(installArgs('yarn-berry', 'ci', [], [], 'allowed')).toEqual(['install', '--immutable', '--mode=skip-build']);
    expect(installArgs('yarn-berry', 'install', [], [], 'all')).toEqual(['install']);
    expect(installArgs('bun', 'ci', [], ['--production'], 'allowed')).toEqual(['install', '--frozen-lockfile', '--production', '--ignore-scripts']);
  });

  it('runs the allowed install scripts with pnpm rebuild, else npm rebuild of exact versions', () => {
    const allowed = [
      { name: 'a', version: '1.0.0' },
      { name: 'a', version: '2.0.0' },
    ];
    expect(rebuildCommand('pnpm', allowed)).toEqual({
      tool: 'pnpm',
      args: ['rebuild', 'a', '--config.dangerouslyAllowAllBuilds=true'],
      env: { pnpm_config_allow_builds: '{"a":true}' },
    });
    expect(rebuildCommand('bun', allowed)).toEqual({ tool: 'npm', args: ['rebuild', 'a@1.0.0', 'a@2.0.0', '--ignore-scripts=false'], env: {} });
  });

  it('approves for pnpm exactly the packages it rebuilds, scoped names included, on the command line and in the environment', () => {
    const { args, env } = rebuildCommand('pnpm', [
      { name: '@scope/native', version: '2.1.0' },
      { name: 'esbuild', version: '0.25.0' },
    ]);
    expect(args).toEqual(['rebuild', '@scope/native', 'esbuild', '--config.dangerouslyAllowAllBuilds=true']);
    expect(JSON.parse(env.pnpm_config_allow_builds!)).toEqual({ '@scope/native': true, esbuild: true });
  });

  it('refuses the pnpm versions that cannot be told which builds to run, and a version it cannot read', () => {
    for (const version of ['9.15.9\n', '10.9.0', '10.34.9', '11.28.6', '12.23.0\n', '13.0.0-beta.1']) {
      expect(pnpmRebuildProblem(version, ['a@1.0.0'])).toBeUndefined();
    }
    expect(pnpmRebuildProblem('10.8.1\n', ['a@1.0.0', 'b@2.0.0'])).toBe(
      'pnpm 10.8.1 runs no install script that its own settings do not approve, so depwarden cannot run the install scripts the policy allows (a@1.0.0, b@2.0.0): update pnpm to 10.9 or later; the packages are installed, no install script ran',
    );
    expect(pnpmRebuildProblem('10.0.0', ['a@1.0.0'])).toMatch(/^pnpm 10\.0\.0 runs no install script/);
    expect(pnpmRebuildProblem(undefined, ['a@1.0.0'])).toMatch(/^could not read pnpm's version \(`pnpm --version` failed\)/);
    expect(pnpmRebuildProblem('oops\u001b[31m', ['a@1.0.0'])).toContain('printed "oops\\x1b[31m"');
  });

  it("runs the project's own scripts without pnpm's install-before-run, which would run the builds pnpm approves", () => {
    expect(rootScriptArgs('pnpm', 'postinstall')).toEqual(['--config.verifyDepsBeforeRun=false', 'run', 'postinstall']);
    expect(rootScriptArgs('bun', 'prepare')).toEqual(['run', 'prepare']);
  });
});
