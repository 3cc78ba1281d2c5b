import type { ParseError } from 'jsonc-parser';
import { jsoncParser } from '../cjs.js';
import { addEdge, createNode, finishTree, type TreeSource } from './build.js';
import { MANIFEST_FIELDS, splitDescriptor } from './lock-graph.js';
import type { DependencyTree, EdgeType, PackageNode, RecordedDeclarations } from './model.js';
import { selectedPatches } from './patches.js';
import { Shape, describe, shown, type JsonRecord } from './shape.js';

/** bun.lock's `lockfileVersion`s: 0 (bun 1.1), 1 (bun 1.2), 2 (bun 1.3 with `configVersion`). */
export const BUN_VERSIONS = [0, 1, 2];

/**
 * bun's text lockfile `bun.lock` (JSON with comments and trailing commas, parsed with jsonc-parser): `workspaces`
 * by folder with their declared dependencies, and `packages` keyed by install path (`a`, `a/b` for `b` nested in
 * `a`, `ws/b` for `b` in workspace `ws`'s node_modules), each an array: `[ident, registry tarball, info, integrity]`
 * for the registry, `[ident, info, integrity]` for a tarball URL, `[ident, info, tag]` for git, `[ident, info]` for
 * folders, `[ident]` for workspaces and links. The keys are node_modules paths, so node's folder lookup resolves edges.
 */
export function loadBunLockfile(text: string, source: TreeSource): DependencyTree {
  const shape: Shape = new Shape(source.sourceFile);
  const lockfile = parseJsonc(text, shape);
  if (!BUN_VERSIONS.includes(lockfile.lockfileVersion as number)) {
    const found = lockfile.lockfileVersion === undefined ? 'has no lockfileVersion' : `has lockfileVersion ${shown(JSON.stringify(lockfile.lockfileVersion))}`;
    shape.fail(`${found}; depwarden reads bun.lock versions 0 to 2`);
  }
  const workspaces = shape.record(lockfile.workspaces, '"workspaces"');
  const packages = shape.optionalRecord(lockfile.packages, '"packages"') ?? {};
  const nodes = new Map<string, PackageNode>();
  const linkTargets = new Map<string, string>();
  const workspaceByName = new Map<string, string>();
  const entryKeys = new Map<string, string>();
  const recorded = new Map<string, RecordedDeclarations>();

  for (const [path, value] of Object.entries(workspaces)) {
    const where = `"workspaces"["${shown(path)}"]`;
    const workspace = shape.record(value, where);
    const name = shape.optionalString(workspace.name, `${where}.name`) ?? '';
    if (path !== '') workspaceByName.set(name, path);
    const node = createNode({
      location: path,
      installName: name,
      version: shape.optionalString(workspace.version, `${where}.version`),
      isWorkspace: path !== '',
    });
    const fields: Record<string, Record<string, string>> = {};
    for (const [field, type] of MANIFEST_FIELDS) {
      const specs = shape.specMap(workspace[field], `${where}.${field}`);
      fields[field] = Object.fromEntries(specs);
      for (const [dependency, spec] of specs) addEdge(node, dependency, spec, type as EdgeType);
    }
    recorded.set(path, { fields });
    nodes.set(path, node);
  }
  if (!nodes.has('')) shape.fail('has no "workspaces"[""] entry for the project itself');

  for (const [key, value] of Object.entries(packages)) {
    const where = `"packages"["${shown(key)}"]`;
    if (!Array.isArray(value) || typeof value[0] !== 'string') shape.fail(`${where} must be an array starting with "name@version", found ${describe(value)}`);
    const entry = value as unknown[];
    const ident = splitDescriptor(entry[0] as string);
    if (!ident) shape.fail(`${where}[0] is not "name@version"`);
    shape.packageName(ident.name, `${where}[0]`);
    const names = installNames(key, shape, where);
    const location = locationOf(names, workspaceByName);
    const reference = ident.range;
    const workspacePath = /^workspace:(.*)$/.exec(reference)?.[1];
    const linked = /^link:(.*)$/.exec(reference)?.[1];
    const registry = /^(?:npm:)?\d/.test(reference) || /^npm:/.test(reference);
    const infoIndex = workspacePath !== undefined || linked !== undefined ? -1 : registry ? 2 : 1;
    const info = infoIndex === -1 ? {} : (shape.optionalRecord(entry[infoIndex] ?? {}, `${where}[${infoIndex}]`) ?? {});
    const integrityIndex = registry ? 3 : /^https?:/.test(reference) ? 2 : -1;
    const integrity = integrityIndex === -1 ? undefined : shape.optionalString(entry[integrityIndex], `${where}[${integrityIndex}]`);
    const tarball = registry ? shape.optionalString(entry[1], `${where}[1]`) : undefined;
    let resolved: string | undefined;
    if (registry) resolved = tarball === '' ? undefined : tarball;
    else if (workspacePath !== undefined) resolved = workspacePath;
    else if (linked !== undefined) resolved = linked;
    // bun writes a git:// repository as `git+git://`, which npm's spec parser does not take for git.
    else resolved = reference.replace(/^git\+git:\/\//, 'git://');
    const node = createNode({
      location,
      installName: names.at(-1)!,
      name: ident.name,
      version: registry ? reference.replace(/^npm:/, '') : typeof info.version === 'string' ? info.version : undefined,
      resolved,
      integrity,
      isLink: workspacePath !== undefined || linked !== undefined,
      isWorkspace: workspacePath !== undefined,
      optional: info.optional === true,
    });
    if (workspacePath !== undefined || linked !== undefined) linkTargets.set(location, resolved!);
    for (const [field, type] of [
      ['optionalDependencies', 'optional'],
      ['dependencies', 'prod'],
      ['peerDependencies', 'peer'],
    ] as const) {
      for (const [dependency, spec] of shape.specMap(info[field], `${where}.${field}`)) addEdge(node, dependency, spec, type);
    }
    nodes.set(location, node);
    entryKeys.set(location, key);
  }
  const root = nodes.get('')!;
  for (const [name, path] of workspaceByName) addEdge(root, name, `file:${path}`, 'workspace');
  const tree = finishTree(nodes, linkTargets, source);
  // `patchedDependencies`: `name@version` -> the patch file, as package.json's field of that name says.
  const patched = Object.entries(shape.optionalRecord(lockfile.patchedDependencies, '"patchedDependencies"') ?? {}).map(([selector, file]) => {
    if (typeof file !== 'string') shape.fail(`"patchedDependencies"["${shown(selector)}"] must be a string, found ${describe(file)}`);
    return { selector, file };
  });
  return { ...tree, entryKeys, recorded, patches: selectedPatches(tree, patched) };
}

function parseJsonc(text: string, shape: Shape): JsonRecord {
  const errors: ParseError[] = [];
  const value: unknown = jsoncParser().parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first) shape.fail(`is not JSON bun can read: ${jsoncParser().printParseErrorCode(first.error)} at offset ${first.offset}`);
  return shape.record(value, 'the lockfile');
}

/** `a/@s/b/c` -> ['a', '@s/b', 'c']. */
function installNames(key: string, shape: Shape, where: string): string[] {
  const parts = key.split('/');
  const names: string[] = [];
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index]!;
    names.push(part.startsWith('@') ? `${part}/${parts[++index] ?? ''}` : part);
  }
  for (const name of names) shape.packageName(name, where);
  return names;
}

/** A path under a workspace's name is in that workspace's node_modules; else in the root's. */
function locationOf(names: readonly string[], workspaceByName: ReadonlyMap<string, string>): string {
  const first = names.length > 1 ? workspaceByName.get(names[0]!) : undefined;
  const rest = first === undefined ? names : names.slice(1);
  return [first, ...rest.map((name) => `node_modules/${name}`)].filter((part) => part !== undefined).join('/');
}
