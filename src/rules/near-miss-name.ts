import { findNearMiss } from '../popularity/near-miss.js';
import { isBareSpec } from '../tree/names.js';
import { isProjectNode } from '../tree/queries.js';
import type { Rule, RuleFinding } from './types.js';

/**
 * Typo-, combo- and slop-squats: a package whose name is one slip from a far more popular one (`lodahs`,
 * `crossenv`, `unused-imports`), judged offline against the popularity index. Each name is reported once.
 */
export const nearMissName: Rule = {
  id: 'near-miss-name',
  description: 'A package name looks like a far more popular package (typo-, combo- or slop-squat).',
  defaultSeverity: 'high',
  codes: ['near-miss-name'],
  check({ tree, names }) {
    const findings: RuleFinding[] = [];
    const seen = new Set<string>();
    for (const node of tree.nodes.values()) {
      if (isProjectNode(node) || node.isLink || seen.has(node.name)) continue;
      // `vet ./lib` or `vet https://host/x.tgz`: the text is a spec, not a name; the local/URL/git rules judge it.
      if (tree.format === 'names' && isBareSpec(node.name)) continue;
      seen.add(node.name);
      const match = findNearMiss(node.name, names);
      if (!match) continue;
      findings.push({
        node,
        severity: match.severity,
        detail: {
          code: 'near-miss-name',
          target: match.target,
          family: match.family,
          downloads: match.downloads,
          popularMin: names.meta.popularMin,
          targetDownloads: match.targetDownloads,
        },
      });
    }
    return findings;
  },
};
