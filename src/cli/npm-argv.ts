import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { toolPath } from './project-copy.js';
import { InputError } from '../errors.js';
import type { NpmCommandList } from '../gate/shims.js';
import type { NpmOptionNames } from '../npm/launch.js';

const require = createRequire(import.meta.url);

interface Nopt {
  lib: {
    nopt(
      args: string[],
      options: { types: object; shorthands: object; typeDefs: object; invalidHandler: false; unknownHandler: false; abbrevHandler: false },
    ): { argv: { remain: string[] } };
  };
  typeDefs: object;
}

let npmTypes: { types: object; shorthands: object } | undefined;
let switches: Set<string> | undefined;

/** npm's boolean options, from npm's own definitions: what npx reads as a switch that takes no value (bin/npx-cli.js). */
export function npmSwitches(): ReadonlySet<string> {
  if (switches === undefined) {
    const { definitions } = require('@npmcli/config/lib/definitions') as { definitions: Record<string, { type: unknown }> };
    switches = new Set(
      Object.entries(definitions)
        .filter(([, { type }]) => type === Boolean || (Array.isArray(type) && type.includes(Boolean)))
        .map(([key]) => key),
    );
  }
  return switches;
}

/** npm's option names and single shorthands (`reg` -> `--registry`), from its definitions, as nopt expands them. */
export function npmOptionNames(): NpmOptionNames {
  const { definitions, shorthands } = require('@npmcli/config/lib/definitions') as { definitions: object; shorthands: Record<string, string[]> };
  const single = Object.entries(shorthands).flatMap(([short, expansion]) => (expansion.length === 1 ? [[short, expansion[0]!] as const] : []));
  return { names: Object.keys(definitions), shorthands: Object.fromEntries(single) };
}

/**
 * The positional arguments of an npm command line (the package specs of `npm install`), parsed the way npm parses
 * it: nopt with npm's own option definitions, so every value-taking option (`--fetch-timeout 60000`, `-w pkg`,
 * abbreviations, `--`) is read as npm reads it. Loaded on first use: only install and ci need it.
 */
export function npmPositionals(args: readonly string[]): string[] {
  if (npmTypes === undefined) {
    const { getTypesFromDefinitions } = require('@npmcli/config') as { getTypesFromDefinitions(definitions: object): { types: object } };
    // The definitions npm itself loads (npm's lib/npm.js does the same require; @npmcli/config's README shows it).
    const { definitions, shorthands } = require('@npmcli/config/lib/definitions') as { definitions: object; shorthands: object };
    npmTypes = { types: getTypesFromDefinitions(definitions).types, shorthands };
  }
  const nopt = require('nopt') as Nopt;
  // nopt expands shorthands in place: it gets a copy.
  return nopt.lib.nopt([...args], { ...npmTypes, typeDefs: nopt.typeDefs, invalidHandler: false, unknownHandler: false, abbrevHandler: false }).argv.remain;
}

const CMD_LIST = join('lib', 'utils', 'cmd-list.js');
const commandLists = new Map<string, NpmCommandList>();

/**
 * npm's own command list (lib/utils/cmd-list.js: commands, aliases, and the deref that reads camelCase, aliases and
 * abbreviations with npm's abbrev), from the npm a shim hands on to: the first npm on PATH (the shim folder is off
 * it), else the npm running depwarden, else the one beside node. Read from npm itself, as npm's own list changes.
 */
export function npmCommandList(env: NodeJS.ProcessEnv): NpmCommandList {
  const onPath = toolPath('npm', env);
  const candidates = [
    onPath === undefined ? undefined : npmRootAbove(onPath),
    env.npm_execpath ? resolve(dirname(env.npm_execpath), '..') : undefined,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm'),
    join(dirname(process.execPath), 'node_modules', 'npm'),
  ];
  const root = candidates.find((dir) => dir !== undefined && existsSync(join(dir, CMD_LIST)));
  if (root === undefined) throw new InputError(`cannot find npm's command list (npm's ${CMD_LIST}): is npm installed?`);
  let list = commandLists.get(root);
  if (list === undefined) {
    list = require(join(root, CMD_LIST)) as NpmCommandList;
    commandLists.set(root, list);
  }
  return list;
}

/** The npm folder of an npm executable (`/usr/bin/npm` -> `/usr/lib/node_modules/npm/bin/npm-cli.js`); a .cmd shim's is beside it. */
function npmRootAbove(executable: string): string | undefined {
  let real: string;
  try {
    real = realpathSync(executable);
  } catch {
    return undefined;
  }
  for (const dir of [dirname(dirname(real)), join(dirname(real), 'node_modules', 'npm')]) if (existsSync(join(dir, CMD_LIST))) return dir;
  return undefined;
}
