import { isFetchedPackage } from '../tree/queries.js';
import type { Rule, RuleFinding } from './types.js';

/**
 * `"lodash": "npm:other@1"` installs `other` where code asks for `lodash`: the name you read is not the package.
 * Low by default: popular packages alias legitimately (`string-width-cjs`); the finding shows both names.
 */
export const aliasDependency: Rule = {
  id: 'alias-dependency',
  description: 'A package is installed under a different name than its own (an npm: alias).',
  defaultSeverity: 'low',
  codes: ['alias-dependency'],
  check({ tree }) {
    const findings: RuleFinding[] = [];
    for (const node of tree.nodes.values()) {
      if (!isFetchedPackage(node) || node.name === node.installName) continue;
      const spec = node.edgesIn.find((edge) => /^npm:/i.test(edge.spec))?.spec;
      findings.push({
        node,
        detail: { code: 'alias-dependency', installedAs: node.installName, realName: node.name, spec },
      });
    }
    return findings;
  },
};
