import { isFetchedPackage } from '../tree/queries.js';
import { defineRule, type RuleFinding } from './types.js';

/**
 * `"lodash": "npm:other@1"` installs `other` where code asks for `lodash`: the name you read is not the package.
 * Low by default: popular packages alias legitimately (`string-width-cjs`); the finding shows both names.
 */
export const aliasDependency = defineRule({
  id: 'alias-dependency',
  description: 'A package is installed under a different name than its own (an npm: alias).',
  defaultSeverity: 'low',
  messages: {
    'alias-dependency': {
      message: (detail) => `installed as "${detail.installedAs}" but is really "${detail.realName}"${detail.spec ? ` (${detail.spec})` : ''}`,
      hint: () => 'depend on the real name, or allow the alias in the policy',
    },
  },
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
});
