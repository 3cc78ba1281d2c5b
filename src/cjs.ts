import { createRequire } from 'node:module';

/**
 * npm's CommonJS libraries, loaded with `require`: an ESM `import` of a CommonJS module makes Node lex its
 * source for named exports first, which cost ~30 ms of a 350 ms check. Types stay the packages' own.
 */
const require = createRequire(import.meta.url);

export const semver = require('semver') as typeof import('semver');
export const npa = require('npm-package-arg') as typeof import('npm-package-arg');
export const validateName = require('validate-npm-package-name') as typeof import('validate-npm-package-name');

/** Babel's parser, for `review` only: loaded on first use, since it is half a megabyte of code. */
export const babelParser = (): typeof import('@babel/parser') => require('@babel/parser') as typeof import('@babel/parser');

interface MapWorkspaces {
  /** Workspace name -> folder, matched against a lockfile's locations (no disk access). */
  virtual(options: { cwd: string; lockfile: { packages: Record<string, object> } }): Map<string, string>;
}
/** npm's workspace matching, for lockfiles with workspaces only: loaded on first use (it brings glob and minimatch). */
export const mapWorkspaces = (): MapWorkspaces => require('@npmcli/map-workspaces') as MapWorkspaces;

/** JSON with comments (`.vscode/mcp.json`): parsed, and edited in place keeping its formatting; `mcp` only. */
export const jsoncParser = (): typeof import('jsonc-parser') => require('jsonc-parser') as typeof import('jsonc-parser');
