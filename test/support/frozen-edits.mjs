// Edits of a project's package.json files whose verdict under each package manager's frozen-lockfile mode
// scripts/measure-frozen-lockfile.mjs measured (test/fixtures/lockfiles/frozen-cases.json). Each edit maps a file to
// a function from its manifest to the edited one. Plain JS so the script can use it too.
const without = (record, name) => Object.fromEntries(Object.entries(record ?? {}).filter(([key]) => key !== name));

export const FROZEN_EDITS = {
  // A range the locked version still satisfies.
  'range-still-satisfied': { 'package.json': (m) => ({ ...m, dependencies: { ...m.dependencies, 'dw-core': '>=2.0.0' } }) },
  // A range nothing locked satisfies.
  'range-unsatisfied': { 'package.json': (m) => ({ ...m, dependencies: { ...m.dependencies, 'dw-core': '^3.0.0' } }) },
  // A workspace's range, still satisfied.
  'workspace-range': { 'packages/ws-a/package.json': (m) => ({ ...m, dependencies: { ...m.dependencies, 'dw-core': '~1.0.0' } }) },
  // A dependency no longer declared.
  'dependency-removed': { 'package.json': (m) => ({ ...m, devDependencies: without(m.devDependencies, 'dw-dev') }) },
  // A workspace declares a name@range the lockfile has locked for the root.
  'dependency-added': { 'packages/ws-a/package.json': (m) => ({ ...m, dependencies: { ...m.dependencies, 'dw-util': '^1.0.0' } }) },
  // A dependency moved from dependencies to devDependencies, same range.
  'moved-to-dev': {
    'package.json': (m) => ({ ...m, dependencies: without(m.dependencies, 'dw-util'), devDependencies: { ...m.devDependencies, 'dw-util': '^1.0.0' } }),
  },
  // A workspace gains a peer dependency the root has locked.
  'peer-added': { 'packages/ws-a/package.json': (m) => ({ ...m, peerDependencies: { 'dw-util': '^1.0.0' } }) },
};
