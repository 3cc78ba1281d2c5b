import { describe, expect, it } from 'vitest';
import { npmOptionNames, npmSwitches } from '../../src/cli/npm-argv.js';
import { whereExecRuns, type LocalInstall } from '../../src/gate/exec-local.js';
import { npxOptionsEnd, npxSyntax, parseRunnerArgs } from '../../src/npm/launch.js';

const syntax = npxSyntax(npmSwitches(), npmOptionNames());
const npx = (...args: string[]) => parseRunnerArgs('npx', args, syntax);

/** A project at /p: its own bin `self`, `tool` linked in node_modules/.bin (tool@1.4.2), dep@2.0.0 nested, `g` global. */
function project(more: Partial<LocalInstall> = {}): LocalInstall & { asked: string[] } {
  const asked: string[] = [];
  const installed: Record<string, string[]> = { tool: ['1.4.2'], dep: ['2.0.0', '1.1.0'], '@acme/cli': ['3.0.0'] };
  return {
    asked,
    prefix: '/p',
    projectHasBin: (name) => name === 'self',
    localBinDir: (name) => (name === 'tool' || name === 'above' ? (name === 'tool' ? '/p/node_modules/.bin' : '/node_modules/.bin') : undefined),
    globalHasBin: (name) => name === 'g',
    installedVersions: (name) => {
      asked.push(name);
      return Promise.resolve(installed[name] ?? []);
    },
    ...more,
  };
}

describe("whereExecRuns: npm exec's choice between the installed copy and the registry (libnpmexec)", () => {
  it('a bare command runs the project’s own bin, a node_modules/.bin one here or above, or a global one, in that order', async () => {
    expect(await whereExecRuns(npx('self', '--x'), project())).toEqual({ kind: 'local', why: 'self is an executable of this project (/p)' });
    expect(await whereExecRuns(npx('tool'), project())).toEqual({ kind: 'local', why: 'tool is installed in /p/node_modules/.bin' });
    expect(await whereExecRuns(npx('-y', 'above', 'a'), project())).toEqual({ kind: 'local', why: 'above is installed in /node_modules/.bin' });
    expect(await whereExecRuns(npx('g'), project())).toEqual({ kind: 'local', why: "g is installed globally (npm's global bin folder)" });
    // The project's bin wins over one of the same name in node_modules/.bin (npm looks at package.json first).
    expect(await whereExecRuns(npx('tool'), project({ projectHasBin: () => true }))).toEqual({
      kind: 'local',
      why: 'tool is an executable of this project (/p)',
    });
  });

  it('a package installed anywhere in the tree runs from there: any version for a bare name, the exact one, one in the range', async () => {
    const local = project();
    expect(await whereExecRuns(npx('dep'), local)).toEqual({ kind: 'local', why: 'dep is installed in /p' });
    expect(await whereExecRuns(npx('dep@1.1.0'), local)).toEqual({ kind: 'local', why: 'dep@1.1.0 is installed in /p' });
    expect(await whereExecRuns(npx('-p', 'dep@^2', '-p', '@acme/cli@3', 'cli'), local)).toEqual({
      kind: 'local',
      why: 'dep@^2, @acme/cli@3 are installed in /p',
    });
    expect(local.asked).toEqual(['dep', 'dep', 'dep', '@acme/cli']);
  });

  it('the registry for what is not installed: another version, a tag, an alias, a folder, a URL, git, a name nowhere', async () => {
    for (const spec of ['dep@3', 'dep@2.0.1', 'tool@latest', 'x@npm:dep@2', './tools', 'https://example.test/t.tgz', 'github:o/r', 'nowhere']) {
      expect(await whereExecRuns(npx(spec), project({ localBinDir: () => undefined })), spec).toEqual({ kind: 'fetch', specs: [spec] });
    }
    // A version in the command's name is no bin name: `tool@9` is not the installed tool 1.4.2.
    expect(await whereExecRuns(npx('tool@9'), project())).toEqual({ kind: 'fetch', specs: ['tool@9'] });
  });

  it('with --package only the packages missing locally are fetched; a bin of the command name does not count', async () => {
    expect(await whereExecRuns(npx('-p', 'dep@2', '-p', 'new-one', 'tool'), project())).toEqual({ kind: 'fetch', specs: ['new-one'] });
    expect(await whereExecRuns(npx('-p', 'fresh', 'tool'), project())).toEqual({ kind: 'fetch', specs: ['fresh'] });
  });

  it('-c without --package fetches nothing; with one it judges that package', async () => {
    expect(await whereExecRuns(npx('-c', 'tool --v'), project())).toEqual({
      kind: 'local',
      why: '-c without --package runs its line with the executables installed',
    });
    expect(await whereExecRuns(npx('-p', 'fresh', '-c', 'fresh'), project())).toEqual({ kind: 'fetch', specs: ['fresh'] });
    expect(await whereExecRuns(npx('-p', 'dep', '-c', 'dep'), project())).toEqual({ kind: 'local', why: 'dep is installed in /p' });
  });
});

describe("npxOptionsEnd: where npx's own options stop (npm's bin/npx-cli.js)", () => {
  it('at the first positional or --, past option values', () => {
    expect(npxOptionsEnd(['-y', 'tool', '-y'], syntax)).toBe(1);
    expect(npxOptionsEnd(['-p', 'a', '--registry', 'http://r.example.test/', 'cmd', 'x'], syntax)).toBe(4);
    expect(npxOptionsEnd(['--package=a', '--', 'cmd'], syntax)).toBe(1);
    expect(npxOptionsEnd(['-c', 'tool --v'], syntax)).toBe(2);
    expect(npxOptionsEnd(['--yes'], syntax)).toBe(1);
  });
});
