import { declares } from '../findings/wording.js';
import { declarerOf, pointsOutside, unusualEdges } from '../tree/queries.js';
import { classifySpec } from '../npm/specs.js';
import type { PackageNode } from '../tree/model.js';
import { defineRule, type RuleFinding } from './types.js';

/**
 * `file:` and `link:` dependencies whose code lives outside the project, and any a published package
 * declares (they point into whatever machine installs it). Workspaces and folders inside the project are fine,
 * except in `vet`, which has no project and judges no folder's code: there every local path is reported.
 */
export const localDependency = defineRule({
  id: 'local-dependency',
  description: 'A file: or link: dependency points outside the project, or is declared by a published package.',
  defaultSeverity: 'medium',
  messages: {
    'local-dependency': {
      message: (detail) =>
        detail.outsideProject
          ? `${declares(detail.declaredBy)} a local path outside the project: "${detail.spec}"`
          : detail.declaredBy.isProject
            ? `${declares(detail.declaredBy)} a local path, "${detail.spec}": code no registry saw, which vet does not read`
            : `${declares(detail.declaredBy)} a local path, "${detail.spec}", that points into whatever machine installs it`,
      hint: (detail) =>
        !detail.outsideProject && detail.declaredBy.isProject
          ? "read the folder's package.json scripts and code before installing it"
          : 'vendor the package inside the project or publish it',
    },
  },
  check({ tree }) {
    const findings: RuleFinding[] = [];
    const seen = new Set<PackageNode>();
    // A range fetches from the registry: only the other specs can be this rule's (unusualEdges).
    for (const { edge, node } of unusualEdges(tree)) {
      const kind = classifySpec(edge.name, edge.spec);
      if (kind.type !== 'local' || edge.type === 'workspace' || seen.has(node)) continue;
      const declaredBy = declarerOf(edge.from);
      // vet has no project to be outside of: every path it is asked for is judged alike.
      const outsideProject = tree.noProject !== true && pointsOutside(edge.from.location, kind.path);
      if (declaredBy.isProject && !outsideProject && tree.noProject !== true) continue;
      seen.add(node);
      findings.push({ node, detail: { code: 'local-dependency', spec: edge.spec, declaredBy, outsideProject } });
    }
    return findings;
  },
});
