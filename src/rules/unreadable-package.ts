import { defineRule, type RuleFinding } from './types.js';

/**
 * An installed package whose package.json is missing, a folder, unreadable or not a JSON object: no rule can
 * see its name, scripts or dependencies, so counting it as checked would pass it silently. An empty folder
 * holds no code (medium); anything else is high.
 */
export const unreadablePackage = defineRule({
  id: 'unreadable-package',
  description: 'An installed package whose package.json cannot be read, so nothing about it can be checked.',
  defaultSeverity: 'high',
  messages: {
    'unreadable-package': {
      message: (detail) => `installed, but ${detail.problem}: what it is, what it runs and what it depends on cannot be checked`,
      hint: () => 'remove node_modules and install again (npm ci), then check again',
    },
  },
  check({ tree }) {
    const findings: RuleFinding[] = [];
    for (const node of tree.nodes.values()) {
      if (node.manifestProblem === undefined) continue;
      findings.push({
        node,
        detail: { code: 'unreadable-package', problem: node.manifestProblem },
        severity: node.manifestProblem === NO_MANIFEST ? 'medium' : 'high',
      });
    }
    return findings;
  },
});

const NO_MANIFEST = 'it has no package.json';
