import { addEdge, createNode, finishTree, installNameOf, type TreeSource } from './build.js';
import type { DependencyTree, PackageNode } from './model.js';
import { Shape, shown, type JsonRecord } from './shape.js';
import { workspaceMatcher } from './workspaces.js';

/**
 * Loads the `packages` section of an npm lockfile v2/v3 (package-lock.json or npm-shrinkwrap.json).
 * It is a flat map of install locations, so one pass builds the tree: no arborist needed, and fast.
 */
export function loadPackagesLockfile(lockfile: JsonRecord, rootManifest: JsonRecord, source: TreeSource): DependencyTree {
  const shape: Shape = new Shape(source.sourceFile);
  const packages = shape.record(lockfile.packages, '"packages"');
  const entries = new Map<string, JsonRecord>();
  const linkTargets = new Map<string, string>();
  for (const [location, value] of Object.entries(packages)) {
    const where = whereIs(location);
    const entry = shape.record(value, where);
    if (/\p{Cc}|\p{Cs}/u.test(location)) shape.fail(`${where} is not a usable path`);
    if (shape.optionalBoolean(entry.link, `${where}.link`)) {
      const target = shape.optionalString(entry.resolved, `${where}.resolved`);
      if (target === undefined) shape.fail(`${where} is a link without "resolved"`);
      linkTargets.set(location, target);
    }
    entries.set(location, entry);
  }
  // Install locations end in a package name npm could write; link targets are folders and may be named anything.
  const targets = new Set(linkTargets.values());
  for (const location of entries.keys()) {
    if (location.includes('node_modules/') && !targets.has(location)) shape.packageName(installNameOf(location), whereIs(location));
  }
  // Some writers leave out the root entry; package.json says the same.
  if (!entries.has('')) entries.set('', rootManifest);

  const isWorkspaceGlob = workspaceMatcher(entries.get('')!.workspaces ?? rootManifest.workspaces, linkTargets.values());
  const workspaces = new Map<string, string>();
  for (const [linkLocation, target] of linkTargets) {
    const topLevel = linkLocation.startsWith('node_modules/') && !linkLocation.includes('/node_modules/');
    if (topLevel && isWorkspaceGlob(target)) workspaces.set(target, installNameOf(linkLocation));
  }
  const workspaceLinks = new Set([...linkTargets].filter(([, target]) => workspaces.has(target)).map(([link]) => link));

  const nodes = new Map<string, PackageNode>();
  const flaggedExtraneous = new Set<string>();
  for (const [location, entry] of entries) {
    const where = whereIs(location);
    const name = shape.optionalString(entry.name, `${where}.name`);
    if (name !== undefined && location !== '') shape.packageName(name, `${where}.name`);
    const node = createNode({
      location,
      installName: location === '' ? (name ?? '') : installNameOf(location),
      name: location === '' ? (name ?? '') : name,
      version: shape.optionalString(entry.version, `${where}.version`),
      resolved: shape.optionalString(entry.resolved, `${where}.resolved`),
      integrity: shape.optionalString(entry.integrity, `${where}.integrity`),
      isLink: linkTargets.has(location),
      isWorkspace: workspaces.has(location) || workspaceLinks.has(location),
      dev: shape.optionalBoolean(entry.dev, `${where}.dev`),
      optional: shape.optionalBoolean(entry.optional, `${where}.optional`),
      inBundle: shape.optionalBoolean(entry.inBundle, `${where}.inBundle`),
      hasInstallScript: shape.optionalBoolean(entry.hasInstallScript, `${where}.hasInstallScript`),
    });
    addDeclaredEdges(shape, node, entry, where, location === '' || workspaces.has(location));
    nodes.set(location, node);
    if (shape.optionalBoolean(entry.extraneous, `${where}.extraneous`)) flaggedExtraneous.add(location);
  }
  const root = nodes.get('')!;
  for (const [target, name] of workspaces) addEdge(root, name, `file:${target}`, 'workspace');
  return withoutExtraneous(finishTree(nodes, linkTargets, source), flaggedExtraneous);
}

/**
 * npm never installs an `extraneous` entry: npm ci and npm install recompute the flag from the tree's edges
 * (calcDepFlags) and prune what nothing reaches. The flag alone is the lockfile's word, which anyone can edit,
 * so an entry is dropped only when it is flagged AND nothing of the project reaches it (through dependencies,
 * links, or a linked folder's own node_modules, whose devDependencies npm may install). Unflagged entries that
 * nothing reaches are still judged: stricter than npm, never looser.
 */
function withoutExtraneous(tree: DependencyTree, flagged: ReadonlySet<string>): DependencyTree {
  if (flagged.size === 0) return tree;
  const reached = new Set<PackageNode>();
  const linkedFolders: string[] = [];
  const work = [tree.root];
  for (let node = work.pop(); node; node = work.pop()) {
    if (reached.has(node)) continue;
    reached.add(node);
    if (node.target) work.push(node.target);
    if (node.isLinkTarget && !node.isRoot) linkedFolders.push(`${node.location}/node_modules/`);
    for (const edge of node.edgesOut.values()) if (edge.to) work.push(edge.to);
  }
  const nodes = tree.nodes as Map<string, PackageNode>;
  for (const location of flagged) {
    const node = nodes.get(location);
    if (!node || reached.has(node) || linkedFolders.some((folder) => location.startsWith(folder))) continue;
    nodes.delete(location);
    for (const edge of node.edgesOut.values()) edge.to?.edgesIn.splice(edge.to.edgesIn.indexOf(edge), 1);
  }
  return tree;
}

const whereIs = (location: string): string => `"packages"["${shown(location)}"]`;

/** The edges a package declares, in npm's precedence: optional and prod before peer; dev only where npm reads it. */
export function addDeclaredEdges(shape: Shape, node: PackageNode, manifest: JsonRecord, where: string, withDev: boolean): void {
  for (const [name, spec] of shape.specMap(manifest.optionalDependencies, `${where}.optionalDependencies`)) {
    addEdge(node, name, spec, 'optional');
  }
  for (const [name, spec] of shape.specMap(manifest.dependencies, `${where}.dependencies`)) {
    addEdge(node, name, spec, 'prod');
  }
  const peerMeta = shape.optionalRecord(manifest.peerDependenciesMeta, `${where}.peerDependenciesMeta`);
  for (const [name, spec] of shape.specMap(manifest.peerDependencies, `${where}.peerDependencies`)) {
    const meta = peerMeta && Object.hasOwn(peerMeta, name) ? peerMeta[name] : undefined;
    const optional = typeof meta === 'object' && meta !== null && (meta as JsonRecord).optional === true;
    addEdge(node, name, spec, optional ? 'peerOptional' : 'peer');
  }
  if (withDev) {
    for (const [name, spec] of shape.specMap(manifest.devDependencies, `${where}.devDependencies`)) {
      addEdge(node, name, spec, 'dev');
    }
  }
}
