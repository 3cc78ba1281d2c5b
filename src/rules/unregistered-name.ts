import { dependsOn } from '../findings/wording.js';
import { declarerOf, isProjectNode } from '../tree/queries.js';
import { classifySpec } from '../npm/specs.js';
import { isNameOnly, nameOnlyNode, refusedName } from '../tree/names.js';
import { registryFor, sameRegistry } from '../npm/registries.js';
import { parseRegistryTarball, tryUrl } from '../npm/urls.js';
import type { FactsEntry, RegistryFacts } from '../registry/facts.js';
import type { DependencyTree, Edge, PackageNode, VetName } from '../tree/model.js';
import { defineRule, type RuleContext, type RuleFinding } from './types.js';

/**
 * A direct dependency (or a `vet` name) that does not exist: a hallucinated name anyone can register, or a
 * package removed for malware. Online, the configured registry is the authority (its 404). Offline, the name
 * record speaks only for the public registry: names npm fetches elsewhere are that registry's business.
 * The record never outweighs a proof of registration: an answer from the registry or npm's cache, or a lockfile
 * entry fetched from the public registry's own tarball URL for that name and version and pinned by an
 * integrity (the registry served that name when it was locked; a name removed for malware is replaced by a
 * security placeholder, never freed). High for names not installed yet and for the registry's own 404 online;
 * medium for locked names judged offline from the record.
 */
export const unregisteredName = defineRule({
  id: 'unregistered-name',
  description: 'A direct dependency does not exist on its registry (or, offline, in the public name record): anyone can register it.',
  defaultSeverity: 'high',
  messages: {
    'unregistered-name': {
      message: (detail) =>
        detail.source === 'registry'
          ? `${dependsOn(detail.declaredBy)} a name the registry does not have (404): anyone can register it (a hallucinated or removed name)`
          : `${dependsOn(detail.declaredBy)} a name the public registry did not know on ${detail.countsDate}: anyone can register it (a hallucinated or removed name), unless it is private or newer (offline, so only depwarden's name record was asked; online, the registry answers)`,
      hint: () => 'check the spelling and where the name came from; give private packages a scope; allow it in the policy if it is yours',
    },
  },
  check({ tree, names, registries, facts }) {
    const findings: RuleFinding[] = [];
    const isPublic = publicRegistryTest(registries);
    forEachDirectRegistryDependency(tree, facts, (from, to, realName, answer) => {
      const known = answer && (answer.ok || !answer.offline);
      const missing = known
        ? !answer.ok && answer.notFound
        : isPublic(registryFor(realName, registries)) && !names.isRegistered(realName) && !lockedFromRegistry(to, registries.publicRegistry);
      if (!missing) return;
      const node = isNameOnly(to) ? nameOnlyNode(tree, to) : to;
      findings.push({
        node,
        // The registry's own 404 online is authoritative even for a locked name: the name is free to register now,
        // and an update or a fresh install resolves it to whoever does (fail closed at the default failOn).
        severity: node.version === undefined || (known && !facts!.offline) ? 'high' : 'medium',
        detail: {
          code: 'unregistered-name',
          countsDate: names.meta.countsDate,
          declaredBy: declarerOf(from),
          source: known ? 'registry' : 'record',
        },
      });
    });
    return findings;
  },
});

/**
 * The project's (and workspaces') dependencies fetched from a registry by name, with what the registry said of
 * each: `to` is the node, or a vet name known by name only (a plain name npm's cache does not hold, offline, so
 * without an answer), in the order given.
 */
function forEachDirectRegistryDependency(
  tree: DependencyTree,
  facts: RegistryFacts | undefined,
  visit: (from: PackageNode, to: PackageNode | VetName, realName: string, answer: FactsEntry | undefined) => void,
): void {
  const edgesOf = (from: PackageNode, edges: Iterable<Edge>): void => {
    for (const edge of edges) {
      const kind = classifySpec(edge.name, edge.spec);
      if (kind.type !== 'registry' || !edge.to) continue;
      // A name npm refuses (an import of `l\u043edash` under review) is not one anyone can register.
      if (tree.format === 'names' && refusedName(kind.realName) !== undefined) continue;
      visit(from, edge.to, kind.realName, facts?.byLocation.get(edge.to.location));
    }
  };
  if (tree.vetNames === undefined) {
    for (const from of tree.nodes.values()) if (isProjectNode(from)) edgesOf(from, from.edgesOut.values());
    return;
  }
  // A vet tree: the root declares every name, in the order given.
  for (const entry of tree.vetNames) {
    if (isNameOnly(entry)) visit(tree.root, entry, entry.name, undefined);
    else edgesOf(tree.root, entry.edgesIn);
  }
}

/**
 * The dependencies the rule above could not judge, by registry: offline, not in npm's cache, and from a registry
 * other than the public one, which the name record does not describe (an entry locked from that registry's own
 * tarball URL with an integrity is proof enough, as for the public one). The analysis says so in its summary.
 */
export function namesNotJudged({ tree, registries, facts }: Pick<RuleContext, 'tree' | 'registries' | 'facts'>): ReadonlyMap<string, string[]> {
  const byRegistry = new Map<string, string[]>();
  const isPublic = publicRegistryTest(registries);
  // Each name once, and no array searched per name: a vet of 20,000 names would spend seconds in includes(). The
  // names a vet tree knows by name only are each given once: only one a node also stands for (an alias of it) is
  // looked up among those listed, as every name of another tree is.
  const listed = new Set<string>();
  const nodeNames = new Set<string>();
  if (tree.vetNames !== undefined) for (const edge of tree.root.edgesOut.values()) nodeNames.add(registryRealName(edge));
  forEachDirectRegistryDependency(tree, facts, (_from, to, realName, answer) => {
    if (answer && (answer.ok || !answer.offline)) return;
    const registry = registryFor(realName, registries);
    if (isPublic(registry) || lockedFromRegistry(to, registry)) return;
    if (!isNameOnly(to) || nodeNames.has(realName)) {
      if (listed.has(realName)) return;
      listed.add(realName);
    }
    let names = byRegistry.get(registry);
    if (names === undefined) byRegistry.set(registry, (names = []));
    names.push(realName);
  });
  return byRegistry;
}

/** The name a registry dependency fetches (an alias's real name). */
function registryRealName(edge: Edge): string {
  const kind = classifySpec(edge.name, edge.spec);
  return kind.type === 'registry' ? kind.realName : edge.name;
}

/** Whether a registry is the public one, judged once per registry (a vet of 20,000 names has one or two). */
function publicRegistryTest(registries: RuleContext['registries']): (registry: string) => boolean {
  const byRegistry = new Map<string, boolean>();
  return (registry) => {
    let same = byRegistry.get(registry);
    if (same === undefined) {
      same = sameRegistry(registry, registries.publicRegistry);
      byRegistry.set(registry, same);
    }
    return same;
  };
}

/** A locked entry whose bytes came from `registry`'s tarball URL for this very name and version, pinned by an integrity. */
function lockedFromRegistry(node: PackageNode | VetName, registry: string): boolean {
  // A vet name known by name only is locked nowhere.
  if (isNameOnly(node)) return false;
  if (node.version === undefined || node.integrity === undefined || node.resolved === undefined || node.declaredOnly) return false;
  const url = tryUrl(node.resolved);
  const base = tryUrl(registry);
  if (!url || !base || url.host.toLowerCase() !== base.host.toLowerCase() || !url.pathname.startsWith(base.pathname.replace(/\/?$/, '/'))) return false;
  const tarball = parseRegistryTarball(url);
  return tarball?.name === node.name && tarball.version === node.version;
}
