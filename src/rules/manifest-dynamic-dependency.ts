import { manifestDependencies } from '../npm/registries.js';
import { classifySpec } from '../npm/specs.js';
import { defineRule, type RuleFinding } from './types.js';
import { answeredEntries } from '../registry/facts.js';

/**
 * The published manifest of the resolved version declares URL or git dependencies: what npm fetches
 * from outside the registry when it installs this package, seen before any lockfile records it.
 */
export const manifestDynamicDependency = defineRule({
  id: 'manifest-dynamic-dependency',
  description: "A package's published manifest declares URL or git dependencies, fetched from outside the registry at install.",
  defaultSeverity: 'critical',
  messages: {
    'manifest-dynamic-dependency': {
      message: (detail) =>
        `its published ${detail.version} manifest declares ${detail.dependencies.map(({ name, spec }) => `"${name}": "${spec}"`).join(', ')}, fetched from outside the registry at install`,
      hint: () => 'do not install it unless you have read what those URLs serve',
    },
  },
  check({ tree, facts }) {
    const findings: RuleFinding[] = [];
    for (const [location, entry] of facts ? answeredEntries(facts) : []) {
      if (!entry.ok) continue;
      const { manifest, version } = entry.facts;
      const dependencies = manifestDependencies(manifest).flatMap(([name, spec]): { name: string; spec: string; kind: 'url' | 'git' }[] => {
        const kind = classifySpec(name, spec).type;
        return kind === 'remote' ? [{ name, spec, kind: 'url' }] : kind === 'git' ? [{ name, spec, kind: 'git' }] : [];
      });
      if (dependencies.length === 0) continue;
      findings.push({
        node: tree.nodes.get(location)!,
        severity: dependencies.some((dependency) => dependency.kind === 'url') ? 'critical' : 'high',
        detail: { code: 'manifest-dynamic-dependency', version, dependencies },
      });
    }
    return findings;
  },
});
