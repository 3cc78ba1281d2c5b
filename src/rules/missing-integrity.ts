import { integrityAlgorithms } from '../npm/integrity.js';
import { needsIntegrity } from '../tree/queries.js';
import type { Rule, RuleFinding } from './types.js';

/** Without an integrity hash npm installs whatever bytes the URL serves today. An unparsable hash is no hash. */
export const missingIntegrity: Rule = {
  id: 'missing-integrity',
  description: 'A tarball in the lockfile has no integrity hash (or one that does not parse), so its content is not pinned.',
  defaultSeverity: 'high',
  codes: ['missing-integrity'],
  check({ tree }) {
    const findings: RuleFinding[] = [];
    for (const node of tree.nodes.values()) {
      if (!needsIntegrity(tree, node)) continue;
      const unparsable = node.integrity !== undefined && integrityAlgorithms(node.integrity).length === 0;
      if (node.integrity !== undefined && !unparsable) continue;
      findings.push({
        node,
        detail: { code: 'missing-integrity', resolved: node.resolved, unparsable: unparsable ? node.integrity : undefined },
      });
    }
    return findings;
  },
};
