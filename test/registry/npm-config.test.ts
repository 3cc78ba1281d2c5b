import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadNpmSettings } from '../../src/registry/npm-config.js';
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
