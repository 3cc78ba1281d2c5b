import { declarer } from '../findings/wording.js';
import { specType } from '../npm/specs.js';
import { declarerOf, unusualSpecEdges } from '../tree/queries.js';
import { defineRule, type RuleFinding } from './types.js';

/**
 * A dependency spec npm-package-arg cannot read (`"bee": "npm:"`, `workspace:*`, an unsupported URL scheme)
 * says nothing the other rules can judge, so whatever the lockfile fetched for it would pass unexamined.
 * Fail closed: the spec itself is the finding, on the package it resolved to (or its declarer).
 */
export const invalidSpec = defineRule({
  id: 'invalid-spec',
  description: 'A dependency spec that npm cannot parse, so what it fetches cannot be judged from it.',
  defaultSeverity: 'high',
  messages: {
    'invalid-spec': {
      message: (detail) =>
        `${detail.declaredBy.asked ? `asked for "${detail.name}@${detail.spec}"` : `${declarer(detail.declaredBy)} declares "${detail.name}": "${detail.spec}"`}, a spec npm cannot parse, so what it fetches cannot be judged`,
      hint: (detail) => (detail.declaredBy.asked ? 'fix the spec' : 'fix the spec, or remove the package that declares it'),
    },
  },
  check({ tree }) {
    const findings: RuleFinding[] = [];
    // A range is a valid spec: only the others can be this rule's (unusualSpecEdges).
    for (const edge of unusualSpecEdges(tree)) {
      if (edge.type === 'workspace' || specType(edge.name, edge.spec) !== 'invalid') continue;
      findings.push({ node: edge.to ?? edge.from, detail: { code: 'invalid-spec', name: edge.name, spec: edge.spec, declaredBy: declarerOf(edge.from) } });
    }
    return findings;
  },
});
