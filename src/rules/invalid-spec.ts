import { classifySpec } from '../npm/specs.js';
import { declarerOf } from '../tree/queries.js';
import type { Rule, RuleFinding } from './types.js';

/**
 * A dependency spec npm-package-arg cannot read (`"bee": "npm:"`, `workspace:*`, an unsupported URL scheme)
 * says nothing the other rules can judge, so whatever the lockfile fetched for it would pass unexamined.
 * Fail closed: the spec itself is the finding, on the package it resolved to (or its declarer).
 */
export const invalidSpec: Rule = {
  id: 'invalid-spec',
  description: 'A dependency spec that npm cannot parse, so what it fetches cannot be judged from it.',
  defaultSeverity: 'high',
  codes: ['invalid-spec'],
  check({ tree }) {
    const findings: RuleFinding[] = [];
    for (const from of tree.nodes.values()) {
      for (const edge of from.edgesOut.values()) {
        if (edge.type === 'workspace' || classifySpec(edge.name, edge.spec).type !== 'invalid') continue;
        findings.push({ node: edge.to ?? from, detail: { code: 'invalid-spec', name: edge.name, spec: edge.spec, declaredBy: declarerOf(from) } });
      }
    }
    return findings;
  },
};
