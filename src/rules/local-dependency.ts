import { declarerOf, pointsOutside, resolvedEdges } from '../tree/queries.js';
import { classifySpec } from '../npm/specs.js';
import type { PackageNode } from '../tree/model.js';
import type { Rule, RuleFinding } from './types.js';

/**
 * `file:` and `link:` dependencies whose code lives outside the project, and any a published package
 * declares (they point into whatever machine installs it). Workspaces and folders inside the project are fine.
 */
export const localDependency: Rule = {
  id: 'local-dependency',
  description: 'A file: or link: dependency points outside the project, or is declared by a published package.',
  defaultSeverity: 'medium',
  codes: ['local-dependency'],
  check({ tree }) {
    const findings: RuleFinding[] = [];
    const seen = new Set<PackageNode>();
    for (const { edge, node } of resolvedEdges(tree)) {
      const kind = classifySpec(edge.name, edge.spec);
      if (kind.type !== 'local' || edge.type === 'workspace' || seen.has(node)) continue;
      const declaredBy = declarerOf(edge.from);
      const outsideProject = pointsOutside(edge.from.location, kind.path);
      if (declaredBy.isProject && !outsideProject) continue;
      seen.add(node);
      findings.push({ node, detail: { code: 'local-dependency', spec: edge.spec, declaredBy, outsideProject } });
    }
    return findings;
  },
};

