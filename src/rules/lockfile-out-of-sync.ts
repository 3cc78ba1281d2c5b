import type { SyncProblem } from '../tree/model.js';
import { defineRule, type RuleFinding } from './types.js';

/**
 * A lockfile that does not satisfy package.json: `npm ci` refuses it, and `npm install` would resolve the
 * unsatisfied dependencies anew, so the tree checked is not the tree that gets installed. The rest of the
 * lockfile is still checked. One finding per manifest (the root's, each workspace's), naming every dependency.
 */
export const lockfileOutOfSync = defineRule({
  id: 'lockfile-out-of-sync',
  description: 'The lockfile does not satisfy what package.json declares: npm ci refuses it, npm install resolves it anew.',
  defaultSeverity: 'medium',
  messages: {
    'lockfile-out-of-sync': {
      message: (detail) => {
        const unsatisfied = detail.dependencies.map(({ name, spec, locked }) =>
          locked === undefined ? `"${name}": "${spec}" has no package locked` : `"${name}": "${spec}" is not satisfied by the locked ${locked}`,
        );
        return `the lockfile does not satisfy ${detail.manifest}: ${unsatisfied.join('; ')}. npm ci refuses it, and npm install would resolve these anew: what is checked here is the lockfile, not what will be installed`;
      },
      hint: () => 'run `npm install` to update the lockfile, then check again',
    },
  },
  check({ tree }) {
    const byDeclarer = new Map<string, SyncProblem[]>();
    for (const problem of tree.outOfSync ?? []) byDeclarer.set(problem.declarer, [...(byDeclarer.get(problem.declarer) ?? []), problem]);
    const findings: RuleFinding[] = [];
    for (const [declarer, problems] of byDeclarer) {
      const node = tree.nodes.get(declarer);
      if (!node) continue;
      findings.push({
        node,
        detail: {
          code: 'lockfile-out-of-sync',
          manifest: problems[0]!.manifest,
          dependencies: problems.map(({ name, spec, locked }) => ({ name, spec, locked })),
        },
      });
    }
    return findings;
  },
});
