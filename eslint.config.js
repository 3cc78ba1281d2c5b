// The house rules, enforced: layers import only downwards, no import cycles, and I/O only at the edges.
import js from '@eslint/js';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** CONTRIBUTING.md "Layers", lowest first: a file may import its own layer and those below, never one above. */
const LAYERS = [
  ['src/errors.ts', 'src/json.ts', 'src/cjs.ts', 'src/text'],
  ['src/findings'],
  ['src/npm', 'src/scripts'],
  ['src/tree'],
  ['src/popularity', 'src/config', 'src/registry'],
  ['src/rules'],
  ['src/report'],
  ['src/analysis', 'src/gate', 'src/review', 'src/init'],
  ['src/cli'],
  ['src/index.ts'],
];

const layerZones = [
  ...LAYERS.flatMap((layer, index) => {
    const above = LAYERS.slice(index + 1).flat();
    return above.length === 0
      ? []
      : layer.map((target) => ({ target, from: above, message: 'a lower layer never imports a higher one (CONTRIBUTING.md "Layers")' }));
  }),
  // Renderers stand beside the rules, not on them: they read findings, tree and config types only.
  { target: 'src/report', from: ['src/rules', 'src/registry', 'src/popularity'], message: 'reports read the finding model, never rules or registry code' },
];

/**
 * The only files that may touch the disk, the network, child processes or the process object. Everything else gets
 * what it needs passed in (a file source, an env, an npm runner), so it can be tested without any of them.
 */
const IO_EDGES = [
  'src/cli/**',
  'src/registry/**',
  'src/tree/files.ts',
  'src/tree/load.ts',
  'src/tree/arborist.ts',
  'src/tree/installed.ts',
  'src/popularity/load.ts',
  'src/review/git.ts',
];
/** `createRequire` loads anything: only the base's CommonJS loader and the edges use it. */
const REQUIRE_EDGES = ['src/cjs.ts', ...IO_EDGES];

const IO_MODULES = ['fs', 'fs/promises', 'child_process', 'net', 'http', 'https', 'http2', 'dns', 'tls', 'os', 'readline', 'worker_threads'];
const ioImports = {
  paths: IO_MODULES.flatMap((name) => [name, `node:${name}`]).map((name) => ({ name, message: 'I/O belongs at the edges: take it as a parameter' })),
  patterns: [
    { group: ['pacote', 'npm-registry-fetch', '@npmcli/*'], message: "npm's network and disk libraries belong at the edges (src/registry, src/tree/load.ts)" },
  ],
};

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/', 'test/fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Tests assert that control characters never reach the output.
    files: ['test/**/*.ts'],
    rules: { 'no-control-regex': 'off' },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      // Sources import each other as './x.js'; the files are './x.ts'.
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'], extensionAlias: { '.js': ['.ts', '.js'] } })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      'no-console': 'error',
      // Only bin/ sets the exit code (README "Exit codes").
      'no-restricted-properties': ['error', { object: 'process', property: 'exit', message: 'return an exit code; only bin/ ends the process' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: IO_EDGES,
    rules: {
      'no-restricted-imports': ['error', ioImports],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'I/O belongs at the edges: take env/cwd/streams as parameters' },
        { name: 'fetch', message: 'network calls belong in src/registry' },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: REQUIRE_EDGES,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...ioImports,
          paths: [
            ...ioImports.paths,
            ...['module', 'node:module'].map((name) => ({ name, importNames: ['createRequire'], message: 'load CommonJS libraries through src/cjs.ts' })),
          ],
        },
      ],
    },
  },
);
