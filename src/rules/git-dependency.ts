import { declarerOf, resolvedEdges } from '../tree/queries.js';
import { classifySpec } from '../npm/specs.js';
import type { PackageNode } from '../tree/model.js';
import type { Rule, RuleFinding } from './types.js';

/**
 * Git dependencies bypass the registry (no integrity, no unpublish policy) and npm runs their `prepare`
 * script to build them. A spec pinned to a full commit is medium; anything that can move is high.
 */
export const gitDependency: Rule = {
  id: 'git-dependency',
  description: 'A dependency is fetched from a git repository; says whether the spec is pinned to a commit.',
  defaultSeverity: 'high',
  codes: ['git-dependency'],
  check({ tree }) {
    const findings: RuleFinding[] = [];
    const seen = new Set<PackageNode>();
    for (const { edge, node } of resolvedEdges(tree)) {
      const kind = classifySpec(edge.name, edge.spec);
      if (kind.type !== 'git' || seen.has(node)) continue;
      seen.add(node);
      findings.push({
        node,
        detail: { code: 'git-dependency', spec: edge.spec, declaredBy: declarerOf(edge.from), pin: kind.pin, resolved: node.resolved },
        severity: kind.pin.kind === 'commit' ? 'medium' : 'high',
      });
    }
    return findings;
  },
};
