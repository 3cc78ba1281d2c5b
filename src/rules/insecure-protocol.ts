import { unusualEdges } from '../tree/queries.js';
import { isLoopback, tryUrl } from '../npm/urls.js';
import type { PackageNode } from '../tree/model.js';
import { defineRule, type RuleFinding } from './types.js';

const INSECURE = new Set(['http:', 'git:']);

/**
 * Anything fetched over plain http: or git: can be swapped in transit. Loopback hosts are exempt: nothing
 * on a network can intercept them (a local test registry).
 */
export const insecureProtocol = defineRule({
  id: 'insecure-protocol',
  description: 'A package is fetched over plain http: or git:, so anyone on the network path can replace it.',
  defaultSeverity: 'high',
  messages: {
    'insecure-protocol': {
      message: (detail) => `fetched over plain ${detail.protocol} (${detail.url}), so anyone on the network path can replace it`,
      hint: () => 'use https: (git+https: or git+ssh: for git)',
    },
  },
  check({ tree }) {
    const findings: RuleFinding[] = [];
    const seen = new Set<PackageNode>();
    const report = (node: PackageNode, text: string | undefined): void => {
      if (text === undefined || seen.has(node)) return;
      const url = tryUrl(text.replace(/^git\+/i, ''));
      if (!url || !INSECURE.has(url.protocol) || isLoopback(url.hostname)) return;
      seen.add(node);
      findings.push({ node, detail: { code: 'insecure-protocol', url: text, protocol: url.protocol.slice(0, -1) } });
    };
    for (const node of tree.nodes.values()) report(node, node.resolved);
    // A range is no URL: only the other specs can name a protocol (unusualEdges).
    for (const { edge, node } of unusualEdges(tree)) report(node, edge.spec);
    return findings;
  },
});
