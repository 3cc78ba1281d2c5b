import { declarer } from '../findings/wording.js';
import { declarerOf, isProjectNode } from '../tree/queries.js';
import { classifySpec } from '../npm/specs.js';
import { registryFor, sameRegistry } from '../npm/registries.js';
import { defineRule, type RuleFinding } from './types.js';

/**
 * A direct dependency (or a `vet` name) that does not exist: a hallucinated name anyone can register, or a
 * package removed for malware. Online, the configured registry is the authority (its 404). Offline, the name
 * record speaks only for the public registry: names npm fetches elsewhere are that registry's business.
 * High for names not installed yet, medium for locked ones (they resolved somewhere once).
 */
export const unregisteredName = defineRule({
  id: 'unregistered-name',
  description: 'A direct dependency does not exist on its registry (or, offline, in the public name record): anyone can register it.',
  defaultSeverity: 'high',
  messages: {
    'unregistered-name': {
      message: (detail) =>
        detail.source === 'registry'
          ? `${declarer(detail.declaredBy)} depends on a name the registry does not have (404): anyone can register it (a hallucinated or removed name)`
          : `${declarer(detail.declaredBy)} depends on a name the public registry did not know on ${detail.countsDate}: anyone can register it (a hallucinated or removed name), unless it is private or newer`,
      hint: () => 'check the spelling and where the name came from; give private packages a scope; allow it in the policy if it is yours',
    },
  },
  check({ tree, names, registries, facts }) {
    const findings: RuleFinding[] = [];
    for (const from of tree.nodes.values()) {
      if (!isProjectNode(from)) continue;
      for (const edge of from.edgesOut.values()) {
        const kind = classifySpec(edge.name, edge.spec);
        if (kind.type !== 'registry' || !edge.to) continue;
        const answer = facts?.byLocation.get(edge.to.location);
        const known = answer && (answer.ok || !answer.offline);
        const missing = known
          ? !answer.ok && answer.notFound
          : sameRegistry(registryFor(kind.realName, registries), registries.publicRegistry) && !names.isRegistered(kind.realName);
        if (!missing) continue;
        findings.push({
          node: edge.to,
          severity: edge.to.version === undefined ? 'high' : 'medium',
          detail: {
            code: 'unregistered-name',
            countsDate: names.meta.countsDate,
            declaredBy: declarerOf(from),
            source: known ? 'registry' : 'record',
          },
        });
      }
    }
    return findings;
  },
});
