import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { createNode, finishTree, type TreeSource } from './build.js';
import { scanNodeModules } from './installed.js';
import { InputError } from '../errors.js';
import type { DependencyTree, Edge, EdgeType, PackageNode } from './model.js';

/** The parts of arborist's Node and Edge that the conversion reads. */
interface ArboristEdge {
  name: string;
  rawSpec: string;
  /** The spec arborist installs the edge by: rawSpec, or what the root's `overrides` replace it with. */
  spec: string;
  type: EdgeType;
  to: ArboristNode | null;
}
export interface ArboristNode {
  location: string;
  name: string;
  packageName: string | null;
  version: string;
  resolved: string | null;
  integrity: string | null;
  isLink: boolean;
  isWorkspace: boolean;
  target: ArboristNode;
  dev: boolean;
  optional: boolean;
  inBundle: boolean;
  hasInstallScript: boolean;
  package: { scripts?: unknown };
  errors: Error[];
  edgesOut: Map<string, ArboristEdge>;
  inventory: Map<string, ArboristNode>;
}

/**
 * Lockfile v1 (arborist migrates it to the v2 shape) and installed node_modules trees are loaded by
 * arborist itself and converted into the one model. Edges keep arborist's own resolution.
 */
export async function loadWithArborist(mode: 'lockfile' | 'node_modules', source: TreeSource): Promise<DependencyTree> {
  // What arborist would hang or crash on is refused first; unreadable package.json files become findings.
  const problems = mode === 'node_modules' ? scanNodeModules(source.projectDir) : new Map<string, string>();
  const arborist = await newArborist({ path: source.projectDir });
  let tree: ArboristNode;
  try {
    // forceActual: read each installed package.json, never the hidden lockfile, so scripts are the real ones.
    tree = mode === 'lockfile' ? await arborist.loadVirtual() : await arborist.loadActual({ forceActual: true });
  } catch (error) {
    // The input was checked first; what arborist still refuses (a link to a folder the lockfile lacks) is input too.
    const message = (error as Error).message?.split('\n')[0] ?? String(error);
    throw new InputError(`npm cannot load it: ${message}`, source.sourceFile);
  }
  return fromArborist(tree, source, mode === 'node_modules', problems);
}

/**
 * The versions installed in a project, by package name, from arborist's actual tree as `npm exec` loads it (the
 * root and every nested or linked node): what npm exec runs instead of fetching. What arborist would hang or crash
 * on is refused first, as for `check --node-modules`.
 */
export async function installedVersions(projectDir: string): Promise<ReadonlyMap<string, readonly string[]>> {
  if (existsSync(join(projectDir, 'node_modules'))) scanNodeModules(projectDir);
  let tree: ArboristNode;
  try {
    tree = await (await newArborist({ path: projectDir })).loadActual({ forceActual: false });
  } catch (error) {
    throw new InputError(`npm cannot load the packages installed in ${projectDir}: ${(error as Error).message?.split('\n')[0] ?? String(error)}`);
  }
  const versions = new Map<string, string[]>();
  for (const node of tree.inventory.values()) {
    if (node.packageName === null || node.version === undefined) continue;
    versions.set(node.packageName, [...(versions.get(node.packageName) ?? []), node.version]);
  }
  return versions;
}

export interface ArboristInstance {
  loadVirtual(): Promise<ArboristNode>;
  loadActual(options: { forceActual: boolean }): Promise<ArboristNode>;
  buildIdealTree(options: { add: string[] }): Promise<ArboristNode>;
}

export async function newArborist(options: Record<string, unknown>): Promise<ArboristInstance> {
  const { default: Arborist } = (await import('@npmcli/arborist')) as unknown as { default: new (options: object) => ArboristInstance };
  return new Arborist(options);
}

/** One conversion for every arborist tree: virtual, actual or ideal. Edges keep arborist's own resolution. */
export function fromArborist(
  tree: ArboristNode,
  source: TreeSource,
  withScripts: boolean,
  manifestProblems: ReadonlyMap<string, string> = new Map(),
): DependencyTree {
  const nodes = new Map<string, PackageNode>();
  const linkTargets = new Map<string, string>();
  for (const [location, node] of tree.inventory) {
    if (node.isLink) linkTargets.set(location, node.target.location);
    nodes.set(
      location,
      createNode({
        location,
        installName: location === '' ? (node.packageName ?? '') : node.name,
        name: location === '' ? (node.packageName ?? '') : (node.packageName ?? node.name),
        version: node.isLink ? undefined : node.version || undefined,
        // A link's resolved is its target folder, as lockfiles write it (arborist says `file:../<path>`).
        resolved: node.isLink ? node.target.location : projectRelative(node.resolved, source.projectDir),
        integrity: node.integrity ?? undefined,
        isLink: node.isLink,
        isWorkspace: node.isWorkspace,
        dev: node.dev,
        optional: node.optional,
        inBundle: node.inBundle,
        scripts: withScripts && !node.isLink ? scriptsOf(node.package.scripts) : undefined,
        hasInstallScript: !node.isLink && node.hasInstallScript,
        manifestProblem: node.isLink || !withScripts ? undefined : (manifestProblems.get(location) ?? arboristProblem(node)),
      }),
    );
  }
  const overriddenSpecs = new Map<Edge, string>();
  for (const [location, node] of tree.inventory) {
    const from = nodes.get(location)!;
    for (const edge of node.edgesOut.values()) {
      // Workspace edges carry an absolute path in arborist; the lockfile's relative form is the stable one.
      const spec = edge.type === 'workspace' && edge.to ? `file:${edge.to.target.location}` : edge.rawSpec;
      const converted: Edge = { name: edge.name, spec, type: edge.type, from, to: undefined };
      from.edgesOut.set(edge.name, converted);
      if (edge.type !== 'workspace' && typeof edge.spec === 'string' && edge.spec !== edge.rawSpec) overriddenSpecs.set(converted, edge.spec);
    }
  }
  const converted = finishTree(nodes, linkTargets, source, (from, name) => {
    const to = tree.inventory.get(from.location)?.edgesOut.get(name)?.to;
    return to ? nodes.get(to.location) : undefined;
  });
  return overriddenSpecs.size > 0 ? { ...converted, overriddenSpecs } : converted;
}

function arboristProblem(node: ArboristNode): string | undefined {
  const [error] = node.errors ?? [];
  return error ? `its package.json cannot be read (${(error as NodeJS.ErrnoException).code ?? error.message.split('\n')[0]})` : undefined;
}

/** arborist makes `file:` paths absolute; lockfiles write them relative to the project, and so do findings. */
function projectRelative(resolved: string | null, projectDir: string): string | undefined {
  if (resolved === null) return undefined;
  const path = /^file:/i.test(resolved) ? resolved.slice('file:'.length) : undefined;
  if (path === undefined || !isAbsolute(path)) return resolved;
  return `file:${relative(projectDir, path).replaceAll(sep, '/') || '.'}`;
}

function scriptsOf(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const scripts: Record<string, string> = Object.create(null);
  for (const [name, text] of Object.entries(value)) if (typeof text === 'string') scripts[name] = text;
  return scripts;
}
