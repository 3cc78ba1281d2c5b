import { InputError } from '../errors.js';
import { escapeText } from '../text/escape.js';
import type { DependencyTree, Edge, EdgeType, PackageNode, TreeFormat } from './model.js';

export interface NodeInit {
  location: string;
  installName: string;
  name?: string | undefined;
  version?: string | undefined;
  resolved?: string | undefined;
  integrity?: string | undefined;
  isWorkspace?: boolean;
  isLink?: boolean;
  dev?: boolean;
  optional?: boolean;
  inBundle?: boolean;
  scripts?: Record<string, string> | undefined;
  hasInstallScript?: boolean;
  manifestProblem?: string | undefined;
  declaredOnly?: boolean;
  /** The edges already known to lead here (`vet`'s names, each declared once by the root). */
  edgesIn?: Edge[];
  /** A node that never declares a dependency (`vet`'s names) may share one empty map (see NO_EDGES_OUT). */
  edgesOut?: Map<string, Edge>;
}

export function createNode(init: NodeInit): PackageNode {
  return {
    location: init.location,
    installName: init.installName,
    name: init.name ?? init.installName,
    version: init.version,
    resolved: init.resolved,
    integrity: init.integrity,
    isRoot: init.location === '',
    isWorkspace: init.isWorkspace ?? false,
    isLink: init.isLink ?? false,
    target: undefined,
    isLinkTarget: false,
    dev: init.dev ?? false,
    optional: init.optional ?? false,
    inBundle: init.inBundle ?? false,
    scripts: init.scripts,
    hasInstallScript: init.hasInstallScript ?? false,
    manifestProblem: init.manifestProblem,
    declaredOnly: init.declaredOnly ?? false,
    edgesOut: init.edgesOut ?? new Map(),
    edgesIn: init.edgesIn ?? [],
  };
}

export function addEdge(from: PackageNode, name: string, spec: string, type: EdgeType): void {
  // A name listed in two fields: npm lets the stronger one win (prod over optional over peer), the first seen here.
  if (from.edgesOut.has(name)) return;
  const edge: Edge = { name, spec, type, from, to: undefined };
  from.edgesOut.set(name, edge);
}

/** The install name a `node_modules/...` location ends in ('node_modules/@s/x' -> '@s/x'), or the last segment. */
export function installNameOf(location: string): string {
  const at = location.lastIndexOf('node_modules/');
  if (at === -1) return location.slice(location.lastIndexOf('/') + 1);
  return location.slice(at + 'node_modules/'.length);
}

/**
 * Node's module resolution over locations: look in `<loc>/node_modules/<name>`, then in each ancestor
 * location that is a node, up to the root. A location outside the project ('../x') sees only its own folder.
 */
export function resolveLocation(nodes: ReadonlyMap<string, PackageNode>, fromLocation: string, name: string): PackageNode | undefined {
  const outside = fromLocation.startsWith('../');
  // Each shorter prefix ending before a '/', then '': cut from the end rather than split and joined per level
  // (this runs once per edge of the tree).
  for (let base = fromLocation; ;) {
    if ((base === fromLocation || nodes.has(base)) && !(outside && base === '')) {
      const found = nodes.get(base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`);
      if (found) return found;
    }
    if (base === '') return undefined;
    const cut = base.lastIndexOf('/');
    base = cut === -1 ? '' : base.slice(0, cut);
  }
}

export interface TreeSource {
  format: TreeFormat;
  sourceFile: string;
  projectDir: string;
}

/**
 * The longest `resolved` or `integrity` a lockfile entry may have. Real ones are a few hundred characters (a git URL
 * with its commit, an integrity with two hashes); servers refuse URLs past 8 to 64 KiB. A value of megabytes is no
 * URL npm would fetch sanely, and every later step (parsing, reporting, redaction) would pay for its length: it is
 * refused at once, by its length alone.
 */
export const MAX_LOCKED_VALUE = 64 * 1024;

function refuseLongValue(node: PackageNode, field: 'resolved' | 'integrity', value: string | undefined, source: TreeSource): void {
  if (value === undefined || value.length <= MAX_LOCKED_VALUE) return;
  const where = node.location === '' ? 'the root entry' : `the entry "${escapeText(node.location.slice(0, 200))}"`;
  throw new InputError(
    `${where}: its "${field}" is ${value.length.toLocaleString('en-US')} characters long; no lockfile value is (at most ${MAX_LOCKED_VALUE.toLocaleString('en-US')}): the lockfile was made by hand or tampered with`,
    source.sourceFile,
  );
}

/** Links every edge to the node it resolves to, and each link to its target; then freezes the node map. */
export function finishTree(
  nodes: Map<string, PackageNode>,
  linkTargets: ReadonlyMap<string, string>,
  source: TreeSource,
  resolve: (from: PackageNode, name: string) => PackageNode | undefined = (from, name) => resolveLocation(nodes, from.location, name),
): DependencyTree {
  for (const [linkLocation, targetLocation] of linkTargets) {
    const link = nodes.get(linkLocation);
    const target = nodes.get(targetLocation);
    if (link) link.target = target;
    if (target) target.isLinkTarget = true;
  }
  for (const node of nodes.values()) {
    refuseLongValue(node, 'resolved', node.resolved, source);
    refuseLongValue(node, 'integrity', node.integrity, source);
    for (const edge of node.edgesOut.values()) {
      edge.to = resolve(node, edge.name);
      edge.to?.edgesIn.push(edge);
    }
  }
  const root = nodes.get('');
  if (!root) throw new Error('tree has no root node');
  return { root, nodes, ...source };
}
