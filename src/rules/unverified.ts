import { isProjectNode } from '../tree/queries.js';
import { defineRule, type RuleFinding } from './types.js';

/**
 * Fail closed: a package whose registry facts could not be fetched (refused, 5xx, timeout, malformed
 * answer) was not checked by the registry rules, and says so. A 404 for a direct dependency is
 * unregistered-name's; for a locked transitive package it means the version was removed. Cache misses under
 * --offline are not findings: the summary counts them.
 */
export const unverified = defineRule({
  id: 'unverified',
  description: 'The registry facts of a package could not be fetched, so its install scripts and manifest were not checked.',
  defaultSeverity: 'medium',
  messages: {
    unverified: {
      message: (detail) => `not checked against the registry: ${detail.cause}`,
      hint: () => 'run again when the registry answers, or review the package by hand',
    },
  },
  check({ tree, facts }) {
    const findings: RuleFinding[] = [];
    if (!facts) return findings;
    for (const [location, entry] of facts.byLocation) {
      if (entry.ok || entry.offline) continue;
      const node = tree.nodes.get(location)!;
      if (entry.notFound && node.edgesIn.some((edge) => isProjectNode(edge.from))) continue;
      const cause = entry.notFound ? 'the registry has no package of this name (404): it was removed or unpublished' : entry.cause;
      findings.push({ node, detail: { code: 'unverified', cause } });
    }
    return findings;
  },
});
