import { createRequire } from 'node:module';

/**
 * npm's CommonJS libraries, loaded with `require`: an ESM `import` of a CommonJS module makes Node lex its
 * source for named exports first, which cost ~30 ms of a 350 ms check. Types stay the packages' own.
 */
const require = createRequire(import.meta.url);

type Semver = typeof import('semver');
/** One of semver's own function modules, loaded on first call. */
function semverFunction<K extends keyof Semver>(load: () => unknown): Semver[K] {
  let loaded: ((...args: unknown[]) => unknown) | undefined;
  return ((...args: unknown[]) => (loaded ??= load() as (...args: unknown[]) => unknown)(...args)) as Semver[K];
}
/**
 * The semver functions depwarden calls, each from its own module: `require('semver')` loads all 47 of the
 * package's files (~20 ms of start-up), and a plain `vet` or lockfile check needs none or a few of them. Each
 * `require` names its module in full, so that the CLI bundle can hold them (scripts/bundle.mjs).
 */
export const semver = {
  compare: semverFunction<'compare'>(() => require('semver/functions/compare')),
  parse: semverFunction<'parse'>(() => require('semver/functions/parse')),
  satisfies: semverFunction<'satisfies'>(() => require('semver/functions/satisfies')),
  valid: semverFunction<'valid'>(() => require('semver/functions/valid')),
  maxSatisfying: semverFunction<'maxSatisfying'>(() => require('semver/ranges/max-satisfying')),
  validRange: semverFunction<'validRange'>(() => require('semver/ranges/valid')),
};
type Npa = typeof import('npm-package-arg');
let npaModule: Npa | undefined;
const loadNpa = (): Npa => (npaModule ??= require('npm-package-arg') as Npa);
/**
 * npm-package-arg, loaded on first call: with hosted-git-info and the whole of semver it costs about as much to
 * load as a small offline check takes, and plain names and ranges (nearly all) are answered without it.
 */
export const npa = Object.assign((arg: string, where?: string) => loadNpa()(arg, where), {
  resolve: (name: string, spec: string, where?: string) => loadNpa().resolve(name, spec, where),
}) as unknown as Npa;
export const validateName = require('validate-npm-package-name') as typeof import('validate-npm-package-name');

/** Babel's parser, for `review` only: loaded on first use, since it is half a megabyte of code. */
export const babelParser = (): typeof import('@babel/parser') => require('@babel/parser') as typeof import('@babel/parser');

interface MapWorkspaces {
  /** Workspace name -> folder, read from the disk as npm reads it (globs over package.json files). */
  (options: { cwd: string; pkg: object }): Promise<Map<string, string>>;
  /** Workspace name -> folder, matched against a lockfile's locations (no disk access). */
  virtual(options: { cwd: string; lockfile: { packages: Record<string, object> } }): Map<string, string>;
}
/** npm's workspace matching, for lockfiles with workspaces only: loaded on first use (it brings glob and minimatch). */
export const mapWorkspaces = (): MapWorkspaces => require('@npmcli/map-workspaces') as MapWorkspaces;

/** The other package managers' lockfile parsers: loaded on first use, only for the lockfile a project has. */
export const yarnParsers = (): typeof import('@yarnpkg/parsers') => require('@yarnpkg/parsers') as typeof import('@yarnpkg/parsers');
/** yarn classic's own lockfile parser: twice as fast on classic lockfiles as parseSyml's fallback grammar. */
export const yarnLockfile = (): { parse(text: string): { type: 'success' | 'merge' | 'conflict'; object: unknown } } =>
  require('@yarnpkg/lockfile') as { parse(text: string): { type: 'success' | 'merge' | 'conflict'; object: unknown } };
export const jsYaml = (): typeof import('js-yaml') => require('js-yaml') as typeof import('js-yaml');
/** JSON with comments (`.vscode/mcp.json`, bun.lock): parsed, and edited in place keeping its formatting. */
export const jsoncParser = (): typeof import('jsonc-parser') => require('jsonc-parser') as typeof import('jsonc-parser');

interface HostedGitInfo {
  fromUrl(url: string): { domain: string; user: string; project: string } | undefined;
}
/** npm's reader of hosted git URLs (provenance's repository against package.json's): loaded on first use. */
export const hostedGitInfo: HostedGitInfo = { fromUrl: (url) => (require('hosted-git-info') as HostedGitInfo).fromUrl(url) ?? undefined };

/** What src/tree/overrides.ts reads of arborist's OverrideSet (its package ships no types for lib/ files). */
export interface OverrideRule {
  readonly name?: string;
  readonly keySpec?: string;
  readonly value?: string;
  getEdgeRule(edge: { name: string; rawSpec: string; spec: string }): OverrideRule;
}
/** arborist's own parser and matcher of package.json `overrides`, loaded only for a project that has them. */
export const overrideSet = (overrides: unknown): OverrideRule => {
  const OverrideSet = require('@npmcli/arborist/lib/override-set.js') as new (options: { overrides: unknown }) => OverrideRule;
  return new OverrideSet({ overrides });
};
