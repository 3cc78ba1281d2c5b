import type { DependencyTree } from '../../src/tree/model.js';

/** A tree as plain data, for comparing loaders: every node, flag and edge, in a stable order. */
export function normalizeTree(tree: DependencyTree) {
  return [...tree.nodes.values()]
    .map((node) => ({
      location: node.location,
      name: node.name,
      installName: node.installName,
      version: node.version,
      resolved: node.resolved,
      integrity: node.integrity,
      isLink: node.isLink,
      isWorkspace: node.isWorkspace,
      target: node.target?.location,
      dev: node.dev,
      optional: node.optional,
      inBundle: node.inBundle,
      hasInstallScript: node.hasInstallScript,
      edges: [...node.edgesOut.values()].map((edge) => `${edge.type} ${edge.name}@${edge.spec} -> ${edge.to?.location ?? '(missing)'}`).sort(),
    }))
    .sort((a, b) => a.location.localeCompare(b.location));
}
