import type { GitPin } from '../findings/model.js';
import { declarer } from '../findings/wording.js';
import { declarerOf, unusualEdges } from '../tree/queries.js';
import { classifySpec } from '../npm/specs.js';
import type { PackageNode } from '../tree/model.js';
import { defineRule, type RuleFinding } from './types.js';

/**
 * Git dependencies bypass the registry (no integrity, no unpublish policy) and npm runs their `prepare`
 * script to build them. A spec pinned to a full commit is medium; anything that can move is high.
 */
function pinText(pin: GitPin, resolved: string | undefined): string {
  const locked = resolved?.match(/#([0-9a-f]{40})$/i)?.[1];
  const lockedText = locked ? `; the lockfile holds commit ${locked.slice(0, 12)}` : '';
  switch (pin.kind) {
    case 'commit':
      return `pinned to commit ${pin.ref.slice(0, 12)}`;
    case 'semver':
      return `not pinned: follows tags matching semver:${pin.ref}${lockedText}`;
    case 'ref':
      return `not pinned: follows "${pin.ref}", a branch or tag that can move${lockedText}`;
    case 'none':
      return `not pinned: follows the default branch${lockedText}`;
  }
}

export const gitDependency = defineRule({
  id: 'git-dependency',
  description: 'A dependency is fetched from a git repository; says whether the spec is pinned to a commit.',
  defaultSeverity: 'high',
  messages: {
    'git-dependency': {
      message: (detail) =>
        `${detail.declaredBy.asked ? 'asked for' : `${declarer(detail.declaredBy)} declares it`} from git as "${detail.spec}"; ${pinText(detail.pin, detail.resolved)}`,
      hint: (detail) => (detail.pin.kind === 'commit' ? 'prefer a registry release' : 'pin the spec to a full commit hash, or use a registry release'),
    },
  },
  check({ tree }) {
    const findings: RuleFinding[] = [];
    const seen = new Set<PackageNode>();
    // A range fetches from the registry: only the other specs can be this rule's (unusualEdges).
    for (const { edge, node } of unusualEdges(tree)) {
      const kind = classifySpec(edge.name, edge.spec);
      if (kind.type !== 'git' || seen.has(node)) continue;
      seen.add(node);
      findings.push({
        node,
        detail: { code: 'git-dependency', spec: edge.spec, declaredBy: declarerOf(edge.from), pin: kind.pin, resolved: node.resolved },
        severity: kind.pin.kind === 'commit' ? 'medium' : 'high',
      });
    }
    return findings;
  },
});
