import { manifestDependencies } from '../npm/registries.js';
import { installScriptsOf } from '../npm/scripts.js';
import { classifySpec } from '../npm/specs.js';
import { defineRule, type RuleFinding } from './types.js';
import type { VersionManifest } from '../npm/manifest.js';

/**
 * A trusted package turned bad (the Postmark MCP case): compared with the release before it, the resolved
 * version adds an install script or a URL/git dependency (high), new dependencies or a new `bin` (medium),
 * or drops its repository (low). Shows what changed.
 */
export const versionDrift = defineRule({
  id: 'version-drift',
  description: 'Compared with its previous release, a version adds install scripts, URL/git or new dependencies, new bins, or drops its repository.',
  defaultSeverity: 'high',
  messages: {
    'version-drift': {
      message: (detail) => {
      const changes = [
      detail.addedScripts.length ? `adds install scripts (${detail.addedScripts.join(', ')})` : '',
      detail.addedDynamic.length ? `adds URL/git dependencies (${detail.addedDynamic.join(', ')})` : '',
      detail.addedDependencies.length ? `adds dependencies (${detail.addedDependencies.join(', ')})` : '',
      detail.addedBins.length ? `adds commands (${detail.addedBins.join(', ')})` : '',
      detail.droppedRepository ? 'drops its repository link' : '',
      ].filter(Boolean);
      return `${detail.version}, compared with ${detail.previous}, ${changes.join(', ')}`;
    },
      hint: () => 'compare the two releases before upgrading; pin the previous version if the change is unexplained',
    },
  },
  check({ tree, facts }) {
    const findings: RuleFinding[] = [];
    for (const [location, entry] of facts?.byLocation ?? []) {
      if (!entry.ok || !entry.facts.previous) continue;
      const { manifest, version, previous } = entry.facts;
      const before = previous.manifest;
      const addedScripts = added(scriptNames(manifest), scriptNames(before));
      const addedDynamic = added(dynamicDependencies(manifest), dynamicDependencies(before));
      const addedDependencies = added(dependencyNames(manifest), dependencyNames(before)).filter((name) => !addedDynamic.includes(name));
      const addedBins = added(binNames(manifest), binNames(before));
      const droppedRepository = Boolean(before.repository) && !manifest.repository;
      if (!addedScripts.length && !addedDynamic.length && !addedDependencies.length && !addedBins.length && !droppedRepository) continue;
      const severity = addedScripts.length || addedDynamic.length ? 'high' : addedDependencies.length || addedBins.length ? 'medium' : 'low';
      findings.push({
        node: tree.nodes.get(location)!,
        severity,
        detail: { code: 'version-drift', version, previous: previous.version, addedScripts, addedDynamic, addedDependencies, addedBins, droppedRepository },
      });
    }
    return findings;
  },
});

const added = (now: readonly string[], before: readonly string[]): string[] => now.filter((item) => !before.includes(item));

const scriptNames = (manifest: VersionManifest): string[] => installScriptsOf(manifest.scripts).map(([name]) => name);

const dependencyNames = (manifest: VersionManifest): string[] => manifestDependencies(manifest).map(([name]) => name);

const dynamicDependencies = (manifest: VersionManifest): string[] =>
  manifestDependencies(manifest)
    .filter(([name, spec]) => ['remote', 'git'].includes(classifySpec(name, spec).type))
    .map(([name]) => name);

function binNames(manifest: VersionManifest): string[] {
  const { bin, name } = manifest;
  if (typeof bin === 'string') return [name ?? ''];
  return bin && typeof bin === 'object' ? Object.keys(bin) : [];
}
