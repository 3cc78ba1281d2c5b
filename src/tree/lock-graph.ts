import { addEdge, createNode, finishTree, type TreeSource } from './build.js';
import type { DependencyTree, EdgeType, PackageNode } from './model.js';

/**
 * yarn and pnpm lockfiles are graphs, not install layouts: packages keyed by what resolved them, dependencies
 * pointing at keys. Their readers produce this graph; `buildLockTree` lays it out as the tree model.
 */
export interface LockedDependency {
  readonly name: string;
  readonly spec: string;
  readonly type: EdgeType;
  /** The package key it resolved to, or (workspace: / link: to a project folder) the importer path. */
  readonly target: { readonly package: string } | { readonly importer: string } | undefined;
}

export interface LockedPackage {
  readonly name: string;
  readonly version: string | undefined;
  /** What is fetched, in npm's terms (src/npm/specs.ts resolvedSource): a URL, `git+...`, `file:`; none for the registry. */
  readonly resolved: string | undefined;
  readonly integrity: string | undefined;
  readonly dependencies: readonly LockedDependency[];
  /** A symlink (`link:`, `portal:`) to this folder, relative to the project. */
  readonly linkTo?: string | undefined;
  readonly hasInstallScript?: boolean;
  /** A copy of one of the project's workspaces (pnpm's injected dependencies): the project's code, not a fetched package. */
  readonly isWorkspace?: boolean;
}

/** The project and its workspaces: '' for the root, else the folder. */
export interface LockedImporter {
  readonly path: string;
  readonly name: string;
  readonly version: string | undefined;
  readonly dependencies: readonly LockedDependency[];
}

/**
 * Locations follow no package manager's layout (none is written down in these lockfiles) but are unique and
 * stable: a package reached first from the root sits at `node_modules/<name>`, the others under the first
 * package that reached them (`node_modules/a/node_modules/b`), found breadth-first so the shortest chain wins.
 * A key reached under two install names (an alias) is two nodes, as npm installs it. Edges are resolved by the
 * lockfile's own keys, not by node's folder lookup. `dev`/`optional`: reached only through dev/optional edges.
 */
export function buildLockTree(importers: readonly LockedImporter[], packages: ReadonlyMap<string, LockedPackage>, source: TreeSource): DependencyTree {
  const nodes = new Map<string, PackageNode>();
  const linkTargets = new Map<string, string>();
  const resolvedTo = new Map<PackageNode, Map<string, PackageNode>>();
  const byImporter = new Map<string, PackageNode>();
  const { dev, optional } = flags(importers, packages);

  const rootImporter = importers.find((importer) => importer.path === '');
  if (!rootImporter) throw new Error('lockfile graph has no root importer');
  for (const importer of importers) {
    const node = createNode({
      location: importer.path,
      installName: importer.name,
      name: importer.name,
      version: importer.version,
      isWorkspace: importer.path !== '',
    });
    nodes.set(importer.path, node);
    byImporter.set(importer.path, node);
  }
  const root = nodes.get('')!;
  // Workspaces are linked into the root's node_modules, as npm does: their names take those slots first.
  const workspaceLinks = new Map<string, PackageNode>();
  for (const importer of importers) {
    if (importer.path === '') continue;
    const location = `node_modules/${importer.name}`;
    if (nodes.has(location)) continue;
    const link = createNode({ location, installName: importer.name, isLink: true, isWorkspace: true, resolved: importer.path });
    nodes.set(location, link);
    linkTargets.set(location, importer.path);
    workspaceLinks.set(importer.path, link);
    addEdge(root, importer.name, `file:${importer.path}`, 'workspace');
    resolvedMap(resolvedTo, root).set(importer.name, link);
  }

  // By package key, then install name: the node each pair was placed at (nested maps: no joined key to build per edge).
  const placed = new Map<string, Map<string, PackageNode>>();
  const entryKeys = new Map<string, string>();
  let spare = 0;
  const place = (from: PackageNode, key: string, installName: string): PackageNode => {
    let underKey = placed.get(key);
    const known = underKey?.get(installName);
    if (known) return known;
    if (!underKey) placed.set(key, (underKey = new Map()));
    const locked = packages.get(key)!;
    let location = `node_modules/${installName}`;
    if (nodes.has(location)) location = `${from.location === '' ? '' : `${from.location}/`}node_modules/${installName}`;
    // Another package already holds that folder under the same parent: a folder of its own, still unique.
    while (nodes.has(location)) location = `node_modules/.locked-${++spare}/node_modules/${installName}`;
    const node = createNode({
      location,
      installName,
      name: locked.name,
      version: locked.version,
      resolved: locked.linkTo ?? locked.resolved,
      integrity: locked.integrity,
      isLink: locked.linkTo !== undefined,
      dev: dev.has(key),
      optional: optional.has(key),
      hasInstallScript: locked.hasInstallScript ?? false,
      isWorkspace: locked.isWorkspace ?? false,
    });
    if (locked.linkTo !== undefined) linkTargets.set(location, locked.linkTo);
    nodes.set(location, node);
    entryKeys.set(location, key);
    underKey.set(installName, node);
    queue.push({ node, dependencies: locked.dependencies });
    return node;
  };

  const queue: { node: PackageNode; dependencies: readonly LockedDependency[] }[] = importers.map((importer) => ({
    node: byImporter.get(importer.path)!,
    dependencies: importer.dependencies,
  }));
  let index = 0;
  const drain = (): void => {
    for (; index < queue.length; index++) layOut(queue[index]!);
  };
  const layOut = ({ node, dependencies }: { node: PackageNode; dependencies: readonly LockedDependency[] }): void => {
    const resolved = resolvedMap(resolvedTo, node);
    for (const dependency of dependencies) {
      addEdge(node, dependency.name, dependency.spec, dependency.type);
      const target = dependency.target;
      let to: PackageNode | undefined;
      if (target && 'package' in target && packages.has(target.package)) to = place(node, target.package, dependency.name);
      else if (target && 'importer' in target) to = workspaceLinks.get(target.importer) ?? byImporter.get(target.importer);
      if (to) resolved.set(dependency.name, to);
    }
  };
  drain();
  // Packages nothing reaches (left over in the lockfile) are still in the tree: they would be installed.
  for (const [key, locked] of packages) {
    if (!placed.has(key)) place(root, key, locked.name);
  }
  drain();
  return { ...finishTree(nodes, linkTargets, source, (from, name) => resolvedTo.get(from)?.get(name)), entryKeys };
}

function resolvedMap(maps: Map<PackageNode, Map<string, PackageNode>>, node: PackageNode): Map<string, PackageNode> {
  let map = maps.get(node);
  if (!map) maps.set(node, (map = new Map()));
  return map;
}

/** Keys reached only through dev edges (dev) and only through optional edges (optional). */
function flags(importers: readonly LockedImporter[], packages: ReadonlyMap<string, LockedPackage>): { dev: Set<string>; optional: Set<string> } {
  const reach = (follow: (dependency: LockedDependency) => boolean): Set<string> => {
    const seen = new Set<string>();
    const work: string[] = [];
    const visit = (dependencies: readonly LockedDependency[]): void => {
      for (const dependency of dependencies) {
        const target = dependency.target;
        if (!target || !('package' in target) || !follow(dependency) || seen.has(target.package)) continue;
        seen.add(target.package);
        work.push(target.package);
      }
    };
    for (const importer of importers) visit(importer.dependencies);
    for (let key = work.pop(); key !== undefined; key = work.pop()) visit(packages.get(key)?.dependencies ?? []);
    return seen;
  };
  const all = reach(() => true);
  const prod = reach((dependency) => dependency.type !== 'dev');
  const required = reach((dependency) => dependency.type !== 'optional' && dependency.type !== 'peerOptional');
  return {
    dev: new Set([...all].filter((key) => !prod.has(key))),
    optional: new Set([...all].filter((key) => !required.has(key))),
  };
}

/** `name@range` (scoped names keep their leading `@`): the name and the range, or undefined when there is no `@`. */
export function splitDescriptor(descriptor: string): { name: string; range: string } | undefined {
  const at = descriptor.indexOf('@', 1);
  if (at === -1) return undefined;
  return { name: descriptor.slice(0, at), range: descriptor.slice(at + 1) };
}

/** A hex digest as the SRI string the integrity rules read (`sha512-<base64>`); undefined when it is not hex. */
export function sriFromHex(algorithm: string, hex: string): string | undefined {
  if (!/^(?:[0-9a-f]{2})+$/i.test(hex)) return undefined;
  return `${algorithm}-${Buffer.from(hex, 'hex').toString('base64')}`;
}

/** The manifest fields a project declares dependencies in, as edge types; peers are recorded, never installed by them. */
export const MANIFEST_FIELDS = [
  ['optionalDependencies', 'optional'],
  ['dependencies', 'prod'],
  ['devDependencies', 'dev'],
  ['peerDependencies', 'peer'],
] as const;
