import { DEFAULT_THRESHOLDS } from '../config/policy.js';
import type { DependencyConcern } from '../findings/model.js';
import { compact } from '../findings/wording.js';
import { manifestDependencies } from '../npm/registries.js';
import { installScriptsOf } from '../npm/scripts.js';
import { classifySpec } from '../npm/specs.js';
import { ESTABLISHED_DOWNLOADS, findNearMiss } from '../popularity/near-miss.js';
import type { PackageNode } from '../tree/model.js';
import { defineRule, type RuleContext, type RuleFinding } from './types.js';
import type { VersionManifest } from '../npm/manifest.js';
import { answeredEntries } from '../registry/facts.js';

const DAY = 86_400_000;

/**
 * A trusted package turned bad (the Postmark MCP case): compared with the release before it, the resolved
 * version adds an install script or a URL/git dependency (high); drops its repository, or adds a dependency
 * that is itself suspect: little used, new, a near-miss name, or one with install scripts (medium). Added
 * established dependencies and new commands are what ordinary releases do: low, shown but not failing at medium.
 */
export const versionDrift = defineRule({
  id: 'version-drift',
  description: 'Compared with its previous release, a version adds install scripts, URL/git or suspect dependencies, or drops its repository.',
  defaultSeverity: 'high',
  messages: {
    'version-drift': {
      message: (detail) => {
        const changes = [
          detail.addedScripts.length ? `adds install scripts (${detail.addedScripts.join(', ')})` : '',
          detail.addedDynamic.length ? `adds URL/git dependencies (${detail.addedDynamic.join(', ')})` : '',
          detail.addedDependencies.length ? `adds dependencies (${detail.addedDependencies.join(', ')})` : '',
          ...detail.suspectDependencies.map(
            ({ name, concerns }) => `${name} ${listed(concerns.map((concern) => concernText(concern, detail.establishedMin)))}`,
          ),
          detail.addedBins.length ? `adds commands (${detail.addedBins.join(', ')})` : '',
          detail.droppedRepository ? 'drops its repository link' : '',
        ].filter(Boolean);
        return `${detail.version}, compared with ${detail.previous}, ${changes.join(', ')}`;
      },
      hint: () => 'compare the two releases before upgrading; pin the previous version if the change is unexplained',
    },
  },
  check(context) {
    const { tree, facts } = context;
    const findings: RuleFinding[] = [];
    for (const [location, entry] of facts ? answeredEntries(facts) : []) {
      if (!entry.ok || !entry.facts.previous) continue;
      const { manifest, version, previous } = entry.facts;
      const node = tree.nodes.get(location)!;
      const before = previous.manifest;
      const addedScripts = added(scriptNames(manifest), scriptNames(before));
      const addedDynamic = added(dynamicDependencies(manifest), dynamicDependencies(before));
      const addedDependencies = added(dependencyNames(manifest), dependencyNames(before)).filter((name) => !addedDynamic.includes(name));
      const addedBins = added(binNames(manifest), binNames(before));
      const droppedRepository = Boolean(before.repository) && !manifest.repository;
      if (!addedScripts.length && !addedDynamic.length && !addedDependencies.length && !addedBins.length && !droppedRepository) continue;
      const suspectDependencies = addedDependencies
        .map((name) => ({ name, concerns: concernsOf(name, node, context) }))
        .filter(({ concerns }) => concerns.length > 0);
      const severity = addedScripts.length || addedDynamic.length ? 'high' : droppedRepository || suspectDependencies.length ? 'medium' : 'low';
      findings.push({
        node,
        severity,
        detail: {
          code: 'version-drift',
          version,
          previous: previous.version,
          addedScripts,
          addedDynamic,
          addedDependencies,
          suspectDependencies,
          establishedMin: ESTABLISHED_DOWNLOADS,
          addedBins,
          droppedRepository,
        },
      });
    }
    return findings;
  },
});

const listed = (items: readonly string[]): string => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)!}`);

function concernText(concern: DependencyConcern, establishedMin: number): string {
  switch (concern) {
    case 'little-used':
      return `has fewer than ${compact(establishedMin)} downloads/month`;
    case 'new-package':
      return 'is a new package';
    case 'near-miss':
      return 'has a near-miss name';
    case 'install-script':
      return 'runs install scripts';
  }
}

/**
 * What makes an added dependency worth a look: the payload of a hijacked release is a package nobody else uses,
 * published days before, often with its own install script, or named after a popular one. A package of the
 * same scope comes from the same publisher, so its being little used says nothing.
 */
function concernsOf(name: string, from: PackageNode, { names, facts, now = new Date(), thresholds = DEFAULT_THRESHOLDS }: RuleContext): DependencyConcern[] {
  const concerns: DependencyConcern[] = [];
  const sameScope = name.startsWith('@') && from.name.startsWith('@') && name.split('/')[0] === from.name.split('/')[0];
  if (!sameScope && (names.downloads(name) ?? 0) < ESTABLISHED_DOWNLOADS) concerns.push('little-used');
  const locked = from.edgesOut.get(name)?.to;
  const lockedFacts = locked ? facts?.byLocation.get(locked.location) : undefined;
  const known = lockedFacts?.ok ? lockedFacts.facts : undefined;
  const firstPublished = known?.firstPublished;
  if (firstPublished && now.getTime() - firstPublished.getTime() < thresholds.newPackageDays * DAY) concerns.push('new-package');
  // A low near-miss (another scope, two letters of a short name) is a weak signal even for a direct dependency.
  if ((findNearMiss(name, names)?.severity ?? 'low') !== 'low') concerns.push('near-miss');
  if (locked?.hasInstallScript || installScriptsOf(known?.manifest.scripts ?? locked?.scripts).length > 0) concerns.push('install-script');
  return concerns;
}

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
