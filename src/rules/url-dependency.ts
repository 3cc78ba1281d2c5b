import { declarer } from '../findings/wording.js';
import { declarerOf, unusualEdges } from '../tree/queries.js';
import { classifySpec } from '../npm/specs.js';
import { defineRule, type RuleFinding } from './types.js';

/**
 * A dependency fetched from an arbitrary URL: registry metadata never shows its code (the PhantomRaven
 * "remote dynamic dependency"). Critical when a package in the tree declares it, high when the project does.
 */
export const urlDependency = defineRule({
  id: 'url-dependency',
  description: 'A dependency is declared as an http(s) tarball URL instead of a registry version.',
  defaultSeverity: 'high',
  messages: {
    'url-dependency': {
      message: (detail) =>
        `${detail.declaredBy.asked ? 'asked for' : `${declarer(detail.declaredBy)} declares it`} as a URL tarball, ${detail.url}: code the registry never saw, fetched at install time`,
      hint: () => 'replace it with a registry version, or allow it in the policy with a reason after reading the tarball',
    },
  },
  check({ tree }) {
    const findings: RuleFinding[] = [];
    // A range fetches from the registry: only the other specs can be this rule's (unusualEdges).
    for (const { edge, node } of unusualEdges(tree)) {
      const kind = classifySpec(edge.name, edge.spec);
      if (kind.type !== 'remote') continue;
      const declaredBy = declarerOf(edge.from);
      findings.push({
        node,
        detail: { code: 'url-dependency', url: kind.url, declaredBy },
        severity: declaredBy.isProject ? 'high' : 'critical',
      });
    }
    return findings;
  },
});
