import { integrityAlgorithms } from '../npm/integrity.js';
import { needsIntegrity } from '../tree/queries.js';
import { defineRule, type RuleFinding } from './types.js';

const STRONG = new Set(['sha256', 'sha384', 'sha512']);

/** sha1 (and md5) collisions can be manufactured: a hash of only those pins nothing an attacker cares about. */
export const weakIntegrity = defineRule({
  id: 'weak-integrity',
  description: 'A tarball is pinned only by a sha1 (or weaker) hash.',
  defaultSeverity: 'medium',
  messages: {
    'weak-integrity': {
      message: (detail) => `pinned only by ${detail.algorithms.join(' and ')}, which can be forged`,
      hint: () => 'regenerate the lockfile with a current npm (npm install) so it records sha512',
    },
  },
  check({ tree }) {
    const findings: RuleFinding[] = [];
    for (const node of tree.nodes.values()) {
      if (node.integrity === undefined || !needsIntegrity(tree, node)) continue;
      const algorithms = integrityAlgorithms(node.integrity);
      if (algorithms.length === 0 || algorithms.some((algorithm) => STRONG.has(algorithm))) continue;
      findings.push({ node, detail: { code: 'weak-integrity', algorithms } });
    }
    return findings;
  },
});
