import { isPinnedSpec } from '../npm/launch.js';
import { defineRule, type RuleFinding } from './types.js';

/**
 * An MCP server (or any command) started by `npx some-mcp@latest` fetches whatever is newest on every start: a
 * release published tonight runs tomorrow morning, unchecked. A pin to one exact version is what keeps a bad
 * release out until someone checks and moves the pin. Medium: nothing bad is known yet, the door is just open.
 */
export const unpinnedExec = defineRule({
  id: 'unpinned-exec',
  description: 'A package started without an install (npx, npm exec, pnpm dlx, yarn dlx, bunx) is not pinned to one version.',
  defaultSeverity: 'medium',
  messages: {
    'unpinned-exec': {
      message: (detail) =>
        `started as "${detail.spec}" (${detail.where}): every start fetches whatever version is newest${detail.version ? `; checked ${detail.version}` : ''}`,
      hint: (detail) =>
        detail.version ? `pin it to the version checked: "@${detail.version}" (depwarden mcp --fix writes the pin)` : 'pin it to one exact version',
    },
  },
  check({ tree, launches }) {
    const findings: RuleFinding[] = [];
    for (const [location, launch] of launches ?? []) {
      const node = tree.nodes.get(location);
      if (node === undefined || isPinnedSpec(launch.spec)) continue;
      findings.push({ node, detail: { code: 'unpinned-exec', spec: launch.spec, version: node.version, where: launch.where } });
    }
    return findings;
  },
});
