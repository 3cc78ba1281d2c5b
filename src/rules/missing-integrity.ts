import { integrityAlgorithms } from '../npm/integrity.js';
import { needsIntegrity } from '../tree/queries.js';
import { defineRule, type RuleFinding } from './types.js';

/** Without an integrity hash npm installs whatever bytes the URL serves today. An unparsable hash is no hash. */
export const missingIntegrity = defineRule({
  id: 'missing-integrity',
  description: 'A tarball in the lockfile has no integrity hash (or one that does not parse), so its content is not pinned.',
  defaultSeverity: 'high',
  messages: {
    'missing-integrity': {
      message: (detail) =>
        detail.unparsable !== undefined
          ? `its integrity "${detail.unparsable}" does not parse, so nothing pins the content of ${detail.resolved ?? 'its tarball'}`
          : `no integrity hash, so nothing pins the content of ${detail.resolved ?? 'its registry tarball'}`,
      hint: () => 'regenerate the lockfile with a current npm (npm install) so it records sha512',
    },
  },
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
});
