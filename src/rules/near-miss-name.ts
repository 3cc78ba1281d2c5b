import { severityRank, type NearMissFamily, type Severity } from '../findings/model.js';
import { compact } from '../findings/wording.js';
import { manifestDependencies } from '../npm/registries.js';
import { ESTABLISHED_DOWNLOADS, findNearMiss } from '../popularity/near-miss.js';
import { isBareSpec, isNameOnly, nameOnlyNode, refusedName } from '../tree/names.js';
import { isProjectNode } from '../tree/queries.js';
import type { PackageNode, VetName } from '../tree/model.js';
import { defineRule, type RuleContext, type RuleFinding } from './types.js';

/**
 * Typo-, combo- and slop-squats: a package whose name is one slip from a far more popular one (`lodahs`,
 * `crossenv`, `unused-imports`), judged offline against the popularity index. Each name is reported once.
 * A squat reaches a tree through someone's typo: a package that established packages declare (and declared in
 * their previous release too) is not one, so it is reported a step or two lower, never hidden. Declared by the
 * project itself, or by any package that is not established, it keeps its severity.
 */
export const nearMissName = defineRule({
  id: 'near-miss-name',
  description: 'A package name looks like a far more popular package (typo-, combo- or slop-squat).',
  defaultSeverity: 'high',
  messages: {
    'near-miss-name': {
      message: (detail) => {
        const own = detail.downloads === undefined ? `fewer than ${compact(detail.popularMin)}` : compact(detail.downloads);
        const moved = detail.scopeMove ? ' (as when a project moves into its own scope)' : '';
        const vouched = detail.vouchedBy.length ? `; declared by established packages (${detail.vouchedBy.join(', ')}), so reported lower` : '';
        return `looks like "${detail.target}" (${compact(detail.targetDownloads)} downloads/month) with ${FAMILY_TEXT[detail.family]}${moved}; this name has ${own} downloads/month${vouched}`;
      },
      hint: (detail) => `if you meant "${detail.target}", depend on that; if this is the package you want, allow it in the policy with a reason`,
    },
  },
  check(context) {
    const { tree, names } = context;
    // A name's one node, or its nodes when several (a name held at several versions): an array for each name
    // would be 20,000 of them for a list of names to vet. A vet name known by name only has no node until reported.
    const byName = new Map<string, PackageNode | VetName | (PackageNode | VetName)[]>();
    const hold = (name: string, held: PackageNode | VetName): void => {
      const same = byName.get(name);
      if (same === undefined) byName.set(name, held);
      else if (Array.isArray(same)) same.push(held);
      else byName.set(name, [same, held]);
    };
    const consider = (node: PackageNode): void => {
      if (isProjectNode(node) || node.isLink) return;
      // `vet ./lib` or `vet https://host/x.tgz`: the text is a spec, not a name; the local/URL/git rules judge it.
      if (tree.format === 'names' && isBareSpec(node.name)) return;
      // A name npm refuses (an import of `l\u043edash` under review) squats nothing: npm cannot install it.
      if (tree.format === 'names' && refusedName(node.name) !== undefined) return;
      hold(node.name, node);
    };
    const findings: RuleFinding[] = [];
    const judge = (name: string, held: PackageNode | VetName | (PackageNode | VetName)[]): void => {
      const match = findNearMiss(name, names);
      if (!match) return;
      const nodes = (Array.isArray(held) ? held : [held]).map((one) => (isNameOnly(one) ? nameOnlyNode(tree, one) : one));
      const vouch = vouchedFor(nodes, context);
      const severity = lower(match.severity, vouch.steps);
      findings.push({
        node: nodes[0]!,
        severity,
        detail: {
          code: 'near-miss-name',
          target: match.target,
          family: match.family,
          downloads: match.downloads,
          popularMin: names.meta.popularMin,
          targetDownloads: match.targetDownloads,
          scopeMove: match.scopeMove,
          // Named only when they changed something: a finding already low stays as it was.
          vouchedBy: severity === match.severity ? [] : vouch.by,
        },
      });
    };
    if (tree.vetNames === undefined) for (const node of tree.nodes.values()) consider(node);
    else {
      // In the order given, nodes and names known by name only (plain names npm accepts) alike. A name known by name
      // only is the one of its name but for a node's (an alias of it): unless a node has it, it is judged at once.
      const nodeNames = new Set<string>();
      for (const node of tree.nodes.values()) nodeNames.add(node.name);
      for (const entry of tree.vetNames) {
        if (!isNameOnly(entry)) consider(entry);
        else if (nodeNames.has(entry.name)) hold(entry.name, entry);
        else judge(entry.name, entry);
      }
    }
    for (const [name, held] of byName) judge(name, held);
    return findings;
  },
});

const FAMILY_TEXT: Record<NearMissFamily, string> = {
  transposition: 'two letters swapped',
  'keyboard-slip': 'a neighbouring key pressed',
  substitution: 'one letter changed',
  confusable: 'look-alike characters',
  insertion: 'one letter added',
  'repeated-character': 'a letter repeated',
  deletion: 'one letter dropped',
  delimiter: 'its separators changed',
  'word-order': 'its words reordered',
  affix: 'a prefix or suffix added',
  'version-suffix': 'a version number appended',
  scope: 'another scope',
  'plugin-shorthand': "a plugin's name shortened",
  scrambled: 'its letters scrambled',
  'edit-distance-2': 'two letters changed',
  'edit-distance-3': 'three letters changed across its words',
};

/**
 * How many steps established declarers lower a finding: one when every package that declares the name is
 * established (100,000+ downloads a month), two when each also declared it in its previous release.
 */
function vouchedFor(nodes: readonly PackageNode[], { names, facts }: RuleContext): { steps: number; by: string[] } {
  const edges = nodes.flatMap((node) => node.edgesIn);
  const none = { steps: 0, by: [] };
  if (edges.length === 0) return none;
  for (const { from } of edges) {
    if (isProjectNode(from) || from.isLink || (names.downloads(from.name) ?? 0) < ESTABLISHED_DOWNLOADS) return none;
  }
  const declaredBefore = edges.every(({ from, name }) => {
    const entry = facts?.byLocation.get(from.location);
    const before = entry?.ok ? entry.facts.previous?.manifest : undefined;
    return before !== undefined && manifestDependencies(before).some(([declared]) => declared === name);
  });
  return { steps: declaredBefore ? 2 : 1, by: [...new Set(edges.map(({ from }) => from.name))].sort() };
}

const STEPS: readonly Severity[] = ['high', 'medium', 'low'];

function lower(severity: 'high' | 'medium' | 'low', steps: number): Severity {
  const at = STEPS.indexOf(severity);
  const lowered = STEPS[Math.min(STEPS.length - 1, at + steps)]!;
  return severityRank(lowered) <= severityRank(severity) ? lowered : severity;
}
