import { isProjectNode } from '../tree/queries.js';
import type { PackageNode } from '../tree/model.js';
import { defineRule, type RuleFinding } from './types.js';

/**
 * Fail closed: a package whose registry facts could not be fetched (refused, 5xx, timeout, malformed
 * answer) was not checked by the registry rules, and says so. A 404 for a direct dependency is
 * unregistered-name's; for a locked transitive package it means the version was removed. Cache misses under
 * --offline are not findings: the summary counts them.
 *
 * High online, so a gate fails at the default failOn when the registry it relies on is down or answers
 * garbage: the install scripts and manifests of those packages went unread. Under --offline (a cached
 * packument that lacks the locked version, often only stale) it stays medium, as it always was. A registry
 * that failed every package for one cause is one finding on the project, not one per package.
 */
export const unverified = defineRule({
  id: 'unverified',
  description: 'The registry facts of a package could not be fetched, so its install scripts and manifest were not checked.',
  defaultSeverity: 'high',
  messages: {
    unverified: {
      message: (detail) => `not checked against the registry: ${detail.cause}`,
      hint: () => 'run again when the registry answers, check with --offline from a warm npm cache, or review the package by hand',
    },
  },
  check({ tree, facts }) {
    const findings: RuleFinding[] = [];
    if (!facts) return findings;
    const severity = facts.offline ? 'medium' : 'high';
    const faults: [PackageNode, string][] = [];
    let failedAll = true;
    for (const [location, entry] of facts.byLocation) {
      if (entry.ok || entry.offline) {
        failedAll = false;
        continue;
      }
      const node = tree.nodes.get(location)!;
      if (entry.notFound && node.edgesIn.some((edge) => isProjectNode(edge.from))) {
        failedAll = false;
        continue;
      }
      faults.push([node, entry.notFound ? 'the registry has no package of this name (404): it was removed or unpublished' : entry.cause]);
    }
    const causes = new Set(faults.map(([, cause]) => cause));
    if (faults.length > 1 && failedAll && causes.size === 1) {
      const cause = `${[...causes][0]!} (none of the ${faults.length} packages was checked)`;
      findings.push({ node: tree.root, severity, detail: { code: 'unverified', cause } });
    } else {
      for (const [node, cause] of faults) findings.push({ node, severity, detail: { code: 'unverified', cause } });
    }
    return findings;
  },
});
