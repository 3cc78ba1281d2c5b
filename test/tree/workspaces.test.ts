import { describe, expect, it } from 'vitest';
import { workspaceMatcher } from '../../src/tree/workspaces.js';
import { lockTree } from '../support/tree.js';

const LOCATIONS = ['packages/a', 'packages/b', 'packages/private', 'tools/deep/x', 'apps/one/utils', 'apps/two/utils', 'node_modules/dep'];
const matches = (workspaces: unknown): string[] => LOCATIONS.filter(workspaceMatcher(workspaces, LOCATIONS));

describe("workspace matching (npm's own, from the lockfile)", () => {
  it.each([
    [['packages/*'], ['packages/a', 'packages/b', 'packages/private']],
    [
      ['packages/*', '!packages/private'],
      ['packages/a', 'packages/b'],
    ],
    [
      ['packages/*', '!packages/b', 'packages/b'],
      ['packages/a', 'packages/b', 'packages/private'],
    ],
    [{ packages: ['./packages/a', 'tools/**'] }, ['packages/a', 'tools/deep/x']],
    [['apps/*/utils'], ['apps/one/utils', 'apps/two/utils']],
    [['**'], ['packages/a', 'packages/b', 'packages/private', 'tools/deep/x', 'apps/one/utils', 'apps/two/utils']],
    ['packages/*', []],
    [{ packages: 'packages/*' }, []],
    [[42, 'packages/a'], ['packages/a']],
  ] as const)('%j matches %j', (workspaces, expected) => {
    expect(matches(workspaces)).toEqual(expected);
  });

  it('the lockfile loader: a negated folder is no workspace, its link is an ordinary local link', () => {
    const tree = lockTree(
      {
        'packages/a': { name: 'a', version: '1.0.0' },
        'packages/private': { name: 'private', version: '1.0.0' },
        'node_modules/a': { resolved: 'packages/a', link: true },
        'node_modules/private': { resolved: 'packages/private', link: true },
      },
      { workspaces: ['packages/*', '!packages/private'] },
    );
    const workspaces = [...tree.nodes.values()].filter((node) => node.isWorkspace).map((node) => node.location);
    expect(workspaces.sort()).toEqual(['node_modules/a', 'packages/a']);
    expect([...tree.root.edgesOut.values()].filter((edge) => edge.type === 'workspace').map((edge) => edge.name)).toEqual(['a']);
  });
});
