// Edits of the pnpm-v9-features fixture (catalogs, an injected workspace, a workspace published from a subfolder)
// whose verdict under `pnpm install --frozen-lockfile` scripts/measure-pnpm-features.mjs measured with the real pnpm 9
// (test/fixtures/lockfiles/frozen-cases.json, "pnpm-v9-features"). Each edit maps a file to a function from its text
// to the edited text. Plain JS so the script can use it too.
const json = (change) => (text) => JSON.stringify(change(JSON.parse(text)), null, 2);
const without = (record, name) => Object.fromEntries(Object.entries(record ?? {}).filter(([key]) => key !== name));

export const PNPM_FEATURE_EDITS = {
  // The workspace's default catalog gives another range the locked version still satisfies.
  'catalog-range-still-satisfied': { 'pnpm-workspace.yaml': (text) => text.replace('dw-core: ^2.0.0', "dw-core: '>=2.0.0'") },
  // The default catalog gives a range nothing locked satisfies.
  'catalog-range-unsatisfied': { 'pnpm-workspace.yaml': (text) => text.replace('dw-core: ^2.0.0', 'dw-core: ^3.0.0') },
  // A named catalog gives another range.
  'named-catalog-range': { 'pnpm-workspace.yaml': (text) => text.replace('dw-util: ^1.0.0', "dw-util: '>=1.0.0'") },
  // A catalog entry nothing uses.
  'catalog-entry-added': { 'pnpm-workspace.yaml': (text) => text.replace('dw-core: ^2.0.0', 'dw-core: ^2.0.0\n  dw-dev: ^1.0.0') },
  // package.json asks for the catalog's range itself, not `catalog:`.
  'catalog-specifier-to-range': { 'package.json': json((m) => ({ ...m, dependencies: { ...m.dependencies, 'dw-core': '^2.0.0' } })) },
  // The injected workspace dependency is linked again (dependenciesMeta removed).
  'injected-removed': { 'package.json': json((m) => without(m, 'dependenciesMeta')) },
  // A workspace injects its workspace dependency.
  'injected-added': { 'packages/ws-a/package.json': json((m) => ({ ...m, dependenciesMeta: { 'ws-c': { injected: true } } })) },
  // The workspace published from a subfolder moves it.
  'publish-directory-changed': {
    'packages/ws-c/package.json': json((m) => ({ ...m, publishConfig: { ...m.publishConfig, directory: 'lib' } })),
  },
};
