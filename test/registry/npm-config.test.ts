import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadNpmSettings } from '../../src/registry/npm-config.js';
import { depwardenInProcess } from '../support/cli.js';
import { tempDir } from '../support/temp.js';

describe("loadNpmSettings: the project's own .npmrc", () => {
  const home = tempDir('npm-config');
  const env = {
    HOME: home,
    npm_config_cache: join(home, 'npm-cache'),
    npm_config_userconfig: '/nonexistent/user-npmrc',
    npm_config_globalconfig: '/nonexistent/global-npmrc',
  };

  it('is the one beside the package.json npm finds walking up, as npm reads it; none when the project has none', async () => {
    const project = join(home, 'project');
    mkdirSync(join(project, 'src', 'deep'), { recursive: true });
    writeFileSync(join(project, 'package.json'), '{"name":"project"}');
    expect((await loadNpmSettings(project, env)).projectConfig).toBeUndefined();
    writeFileSync(join(project, '.npmrc'), '@private:registry=https://registry.example.test/private/\n');
    const fromDeep = await loadNpmSettings(join(project, 'src', 'deep'), env);
    expect(fromDeep.projectConfig).toBe(join(project, '.npmrc'));
    expect(fromDeep.scopes.get('@private')).toBe('https://registry.example.test/private/');
  });

  it("leaves the caller's env as it was: a later load with another HOME reads that HOME's .npmrc", async () => {
    const user = { HOME: join(home, 'one'), npm_config_cache: join(home, 'npm-cache') };
    const other = join(home, 'two');
    mkdirSync(user.HOME, { recursive: true });
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, '.npmrc'), 'registry=https://other.example.test/\n');
    const before = { ...user };
    await loadNpmSettings(home, user);
    expect(user).toEqual(before);
    expect((await loadNpmSettings(home, { ...user, HOME: other })).registry).toBe('https://other.example.test/');
  });
});

describe('loadNpmSettings: npmrc files that are not regular files', () => {
  const home = tempDir('npmrc-kinds');
  const env = {
    HOME: home,
    npm_config_cache: join(home, 'npm-cache'),
    npm_config_userconfig: '/nonexistent/user-npmrc',
    npm_config_globalconfig: '/nonexistent/global-npmrc',
  };
  const project = (name: string, npmrc?: string): string => {
    const dir = join(home, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{"name":"project"}');
    if (npmrc !== undefined) symlinkSync(npmrc, join(dir, '.npmrc'));
    return dir;
  };
  const fifo = (name: string): string => {
    const path = join(home, name);
    execFileSync('mkfifo', [path]);
    return path;
  };
  // Read as @npmcli/config reads them, each would block forever (a FIFO with no writer) or fill memory (/dev/zero).
  it.each([
    [
      'the project .npmrc, a symlink to /dev/zero',
      () => ({ dir: project('zero', '/dev/zero'), env }),
      /^is not a regular file but a character device$/,
      '.npmrc',
    ],
    ['the project .npmrc, a symlink to a FIFO', () => ({ dir: project('fifo', fifo('project-fifo')), env }), /^is not a regular file but a FIFO/, '.npmrc'],
    ['the project .npmrc, a folder', () => ({ dir: project('folder', home), env }), /^is not a regular file but a folder$/, '.npmrc'],
    [
      'the user config (npm_config_userconfig), a FIFO',
      () => ({ dir: project('user'), env: { ...env, npm_config_userconfig: fifo('user-fifo') } }),
      /^is not a regular file but a FIFO/,
      join(home, 'user-fifo'),
    ],
    [
      'the user config (HOME/.npmrc), a FIFO',
      () => {
        const other = join(home, 'other-home');
        mkdirSync(other);
        symlinkSync(fifo('home-fifo'), join(other, '.npmrc'));
        const withHome: Record<string, string> = { ...env, HOME: other };
        delete withHome.npm_config_userconfig;
        return { dir: project('home'), env: withHome };
      },
      /^is not a regular file but a FIFO/,
      join(home, 'other-home', '.npmrc'),
    ],
    [
      'the global config, a FIFO',
      () => ({ dir: project('global'), env: { ...env, npm_config_globalconfig: fifo('global-fifo') } }),
      /^is not a regular file but a FIFO/,
      join(home, 'global-fifo'),
    ],
    [
      "npm's builtin npmrc, a FIFO",
      () => {
        const npm = join(home, 'fake-npm');
        mkdirSync(join(npm, 'bin'), { recursive: true });
        writeFileSync(join(npm, 'package.json'), '{"name":"npm","version":"11.0.0"}');
        execFileSync('mkfifo', [join(npm, 'npmrc')]);
        return { dir: project('builtin'), env: { ...env, npm_execpath: join(npm, 'bin', 'npm-cli.js') } };
      },
      /^is not a regular file but a FIFO/,
      join(home, 'fake-npm', 'npmrc'),
    ],
    [
      "the workspace root's .npmrc, in a folder above the project",
      () => {
        const root = join(home, 'workspace');
        mkdirSync(join(root, 'packages', 'app'), { recursive: true });
        writeFileSync(join(root, 'package.json'), '{"name":"root","workspaces":["packages/*"]}');
        symlinkSync('/dev/zero', join(root, '.npmrc'));
        writeFileSync(join(root, 'packages', 'app', 'package.json'), '{"name":"app"}');
        return { dir: join(root, 'packages', 'app'), env };
      },
      /^is not a regular file but a character device$/,
      join(home, 'workspace', '.npmrc'),
    ],
  ])('%s: an input error naming the file, at once', async (_case, make, message, file) => {
    const { dir, env: runEnv } = make();
    const error = await loadNpmSettings(dir, runEnv).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toMatchObject({ name: 'InputError', file });
    expect((error as Error).message).toMatch(message);
  });

  it('regular npmrc files, symlinked or not, are read as before', async () => {
    const real = join(home, 'real-npmrc');
    writeFileSync(real, 'registry=https://linked.example.test/\n');
    expect((await loadNpmSettings(project('linked', real), env)).registry).toBe('https://linked.example.test/');
  });

  it('check stops with a one-line error, exit 2, instead of waiting on a committed .npmrc -> /dev/stdin', async () => {
    const dir = project('cli', fifo('cli-fifo'));
    writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ name: 'project', lockfileVersion: 3, packages: { '': { name: 'project' } } }));
    const run = await depwardenInProcess(['check', dir, '--offline', '--registry', 'https://registry.example.test/'], { env: { HOME: home } });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('depwarden: .npmrc: is not a regular file but a FIFO (named pipe)\n');
  });
});
