import { createRequire } from 'node:module';
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
