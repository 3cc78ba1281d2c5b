import { npa, semver } from '../cjs.js';
import { createNode } from './build.js';
import type { DependencyTree, Edge, PackageNode } from './model.js';
import { addDeclaredEdges } from './npm-lockfile.js';
import { Shape, type JsonRecord } from './shape.js';
import { escapeText } from '../text/escape.js';

/**
 * A lockfile that no longer matches package.json describes a tree npm will not install as it stands, so
 * checking it would judge the wrong packages. Compares the declared dependencies of the root and of each
 * workspace whose package.json is given, and checks that the root's own dependencies are locked.
 */
export function assertInSync(tree: DependencyTree, manifests: ReadonlyMap<string, JsonRecord>): void {
  const shape: Shape = new Shape(tree.sourceFile);
  for (const [location, manifest] of manifests) {
    const node = tree.nodes.get(location);
    if (!node) continue;
    const manifestFile = location === '' ? 'package.json' : `${location}/package.json`;
    const declared = createNode({ location, installName: node.installName });
    addDeclaredEdges(new Shape(manifestFile), declared, manifest, manifestFile, true);
    const locked = [...node.edgesOut.values()].filter((edge) => edge.type !== 'workspace');
    const problem = firstDifference(declared, locked) ?? (location === '' ? unlocked(locked) : undefined);
    if (problem) shape.fail(`is out of sync with ${manifestFile}: ${problem}; run \`npm install\` to update it`);
  }
}

function firstDifference(declared: PackageNode, locked: readonly Edge[]): string | undefined {
  for (const edge of declared.edgesOut.values()) {
    const lockedEdge = locked.find((candidate) => candidate.name === edge.name);
    if (!lockedEdge) return `"${escapeText(edge.name)}" is declared but not in the lockfile`;
    if (lockedEdge.spec !== edge.spec) {
      return `"${escapeText(edge.name)}" is "${escapeText(edge.spec)}" in package.json but "${escapeText(lockedEdge.spec)}" in the lockfile`;
    }
  }
  const extra = locked.find((edge) => !declared.edgesOut.has(edge.name));
  return extra ? `"${escapeText(extra.name)}" is in the lockfile but no longer declared` : undefined;
}

function unlocked(edges: readonly Edge[]): string | undefined {
  for (const edge of edges) {
    if (edge.type !== 'prod' && edge.type !== 'dev') continue;
    if (!edge.to) return `"${escapeText(edge.name)}" is declared but no package for it is locked`;
    const version = edge.to.target?.version ?? edge.to.version;
    const range = registryRange(edge);
    if (range !== undefined && version !== undefined && !semver.satisfies(version, range, { loose: true })) {
      return `"${escapeText(edge.name)}" wants "${escapeText(edge.spec)}" but ${escapeText(version)} is locked`;
    }
  }
  return undefined;
}

function registryRange(edge: Edge): string | undefined {
  try {
    const parsed = npa.resolve(edge.name, edge.spec);
    const real = parsed.type === 'alias' ? parsed.subSpec : parsed;
    return real && (real.type === 'range' || real.type === 'version') ? (real.fetchSpec ?? undefined) : undefined;
  } catch {
    return undefined;
  }
}
