import type { TreeSource } from './build.js';
import { buildLockTree, MANIFEST_FIELDS, splitDescriptor, sriFromHex, type LockedDependency, type LockedImporter, type LockedPackage } from './lock-graph.js';
import type { DependencyTree, EdgeType } from './model.js';
import { Shape, shown, type JsonRecord } from './shape.js';
import { yarnLockfile, yarnParsers } from '../cjs.js';
import { parseYarnBerryFast } from './yarn-berry-fast.js';
import { parseYarnClassicFast } from './yarn-classic-fast.js';

/** A project folder and its package.json: yarn classic's lockfile does not say which package asked for what. */
export interface ProjectManifest {
  readonly path: string;
  readonly manifest: JsonRecord;
}

/**
 * yarn classic's `yarn.lock` (v1): entries keyed by the descriptors (`name@range`, comma-joined) they resolve,
 * each with `version`, `resolved` (URL `#sha1`), `integrity` and its `dependencies`. Which workspace asked for what is
 * in the package.json files only, so the importers come from them. Parsed with yarn's own parser.
 */
export function loadYarnClassic(text: string, projects: readonly ProjectManifest[], source: TreeSource): DependencyTree {
  const shape: Shape = new Shape(source.sourceFile);
  const parsed = parseClassic(text, shape);
  const packages = new Map<string, LockedPackage>();
  const { keyOf, entries } = entriesOf(parsed, shape);
  const workspaceByName = new Map(projects.filter((project) => project.path !== '').map((project) => [String(project.manifest.name), project.path]));
  const target = (name: string, range: string): LockedDependency['target'] => {
    const key = keyOf.get(`${name}@${range}`);
    if (key !== undefined) return { package: key };
    const workspace = workspaceByName.get(name);
    return workspace === undefined ? undefined : { importer: workspace };
  };

  for (const [key, value] of entries) {
    const where = `"${shown(key)}"`;
    const entry = shape.record(value, where);
    const descriptor = splitDescriptor(key)!;
    const alias = /^npm:(.+)$/.exec(descriptor.range)?.[1];
    const realName = alias ? (splitDescriptor(alias)?.name ?? alias) : descriptor.name;
    const version = shape.optionalString(entry.version, `${where}.version`);
    const resolvedText = shape.optionalString(entry.resolved, `${where}.resolved`);
    let integrity = shape.optionalString(entry.integrity, `${where}.integrity`);
    let resolved = resolvedText;
    let linkTo: string | undefined;
    if (resolvedText !== undefined && /^https?:/i.test(resolvedText) && resolvedText.includes('#')) {
      // A tarball URL carries its sha1 as the fragment: older yarns wrote no other hash.
      const hash = resolvedText.slice(resolvedText.indexOf('#') + 1);
      resolved = resolvedText.slice(0, resolvedText.indexOf('#'));
      integrity ??= sriFromHex('sha1', hash) ?? hash;
    }
    if (resolved === undefined && /^file:/i.test(descriptor.range)) resolved = descriptor.range;
    if (resolved === undefined && /^link:/i.test(descriptor.range)) linkTo = descriptor.range.slice('link:'.length);
    const dependencies: LockedDependency[] = [];
    for (const [field, type] of [
      ['optionalDependencies', 'optional'],
      ['dependencies', 'prod'],
    ] as const) {
      for (const [name, range] of shape.specMap(entry[field], `${where}.${field}`)) {
        dependencies.push({ name, spec: range, type, target: target(name, range) });
      }
    }
    packages.set(key, { name: realName, version, resolved, integrity, dependencies, linkTo });
  }

  const importers: LockedImporter[] = projects.map(({ path, manifest }) => {
    const where = path === '' ? 'package.json' : `${path}/package.json`;
    const manifestShape: Shape = new Shape(where);
    const dependencies: LockedDependency[] = [];
    for (const [field, type] of MANIFEST_FIELDS) {
      for (const [name, range] of manifestShape.specMap(manifest[field], `"${field}"`)) {
        dependencies.push({ name, spec: range, type: type as EdgeType, target: target(name, range) });
      }
    }
    const name = typeof manifest.name === 'string' ? manifest.name : path;
    return { path, name, version: typeof manifest.version === 'string' ? manifest.version : undefined, dependencies };
  });
  return buildLockTree(importers, packages, source);
}

/**
 * One package per entry, as yarn installs it: the parser (yarn's and the fast path alike) keys the entry's object by
 * each of its descriptors (`"b@^2.0.0", "b@~2.0.0":`), so descriptors sharing an object are one entry, keyed here by
 * its first descriptor (a key the report's line lookup knows). keyOf: each descriptor to its entry's key.
 */
function entriesOf(parsed: JsonRecord, shape: Shape): { keyOf: Map<string, string>; entries: Map<string, unknown> } {
  const keyOf = new Map<string, string>();
  const entries = new Map<string, unknown>();
  const keyOfEntry = new Map<unknown, string>();
  for (const [descriptor, value] of Object.entries(parsed)) {
    if (descriptor === '__metadata') shape.fail('has a "__metadata" entry: it is a yarn berry lockfile, not yarn classic');
    // Every descriptor, not only the entry's first, must be one npm could have written.
    const where = `"${shown(descriptor)}"`;
    shape.packageName(splitDescriptor(descriptor)?.name ?? shape.fail(`${where} is not a "name@range" entry`), where);
    // Only objects are shared: a scalar under two descriptors is two (malformed) entries, each refused by name.
    let key = typeof value === 'object' && value !== null ? keyOfEntry.get(value) : undefined;
    if (key === undefined) {
      key = descriptor;
      entries.set(key, value);
      if (typeof value === 'object' && value !== null) keyOfEntry.set(value, key);
    }
    keyOf.set(descriptor, key);
  }
  return { keyOf, entries };
}

/**
 * yarn classic's parser; a lockfile with merge-conflict markers is refused, as yarn would rewrite it first. The text
 * yarn writes is read by a fast path giving the same objects (yarn-classic-fast.ts); the rest by yarn's parser.
 */
function parseClassic(text: string, shape: Shape): JsonRecord {
  const fast = parseYarnClassicFast(text);
  if (fast) return fast;
  let result: { type: string; object: unknown };
  try {
    result = yarnLockfile().parse(text);
  } catch (error) {
    shape.fail(`is not a yarn lockfile yarn can read: ${shown(String((error as Error).message ?? error).split('\n')[0]!)}`);
  }
  if (result.type !== 'success') shape.fail('has git merge-conflict markers: resolve them (run `yarn install`) first');
  return shape.record(result.object ?? {}, 'the lockfile');
}

/** yarn berry's parser, with its errors (and non-object results) as input errors; what yarn writes, by a fast path. */
export function parseLockText(text: string, shape: Shape): JsonRecord {
  const fast = parseYarnBerryFast(text);
  if (fast) return fast;
  let parsed: unknown;
  try {
    parsed = yarnParsers().parseSyml(text);
  } catch (error) {
    shape.fail(`is not a yarn lockfile yarn can read: ${shown(String((error as Error).message ?? error).split('\n')[0]!)}`);
  }
  return shape.record(parsed ?? {}, 'the lockfile');
}
