/**
 * What a lockfile change introduced, from the trees read at both ends. A finding at head is new when the base had
 * no finding with its key (rule, code, name@version), or when the package it is about is new to the lockfile: no
 * package at base has its name, version, source and integrity (a resolution changed under the same version), or an
 * edge into it is new (a dependent that now asks for it by that name and spec). Locations are no help here: yarn and
 * pnpm lockfiles record none (depwarden lays their graphs out itself), and a package may move between ends.
 */
import type { Analysis } from '../analysis/analyze.js';
import type { Finding } from '../findings/model.js';
import type { DependencyTree, PackageNode } from '../tree/model.js';
import { findingKey } from './context.js';

export function introducedFindings(base: Analysis | undefined, head: Analysis): Finding[] {
  // A base that cannot be read locked nothing that counts: everything at head is judged.
  if (!base) return [...head.result.findings];
  const before = new Set(base.result.findings.map(findingKey));
  const locked = lockedFacts(base.tree);
  const patchChanged = changedPatches(base.tree, head.tree);
  return head.result.findings.filter((finding) => {
    if (!before.has(findingKey(finding))) return true;
    // A patch is project code: a change to its file introduces what the patch now does, on an unchanged package.
    if (finding.rule === 'patched-dependency' && 'file' in finding.detail && patchChanged.has(finding.detail.file)) return true;
    const node = head.tree.nodes.get(finding.package.location);
    return node !== undefined && !node.isRoot && isNew(node, locked);
  });
}

interface LockedFacts {
  readonly packages: ReadonlySet<string>;
  readonly edges: ReadonlySet<string>;
}

const packageFact = (node: PackageNode): string => `${node.name}@${node.version ?? ''} ${node.resolved ?? ''} ${node.integrity ?? ''}`;
// The dependent by name only: upgrading it with the same dependency spec introduces nothing below it.
const edgeFact = (from: PackageNode, name: string, spec: string): string => `${from.name} ${name}@${spec}`;

function lockedFacts(tree: DependencyTree): LockedFacts {
  const packages = new Set<string>();
  const edges = new Set<string>();
  for (const node of tree.nodes.values()) {
    packages.add(packageFact(node));
    for (const edge of node.edgesOut.values()) edges.add(edgeFact(node, edge.name, edge.spec));
  }
  return { packages, edges };
}

function isNew(node: PackageNode, locked: LockedFacts): boolean {
  const real = node.target ?? node;
  if (!locked.packages.has(packageFact(node)) || !locked.packages.has(packageFact(real))) return true;
  return node.edgesIn.some((edge) => !locked.edges.has(edgeFact(edge.from, edge.name, edge.spec)));
}

/** The patch files (as the lockfile names them) whose text at head is not what it was at base, or that base lacked. */
function changedPatches(base: DependencyTree, head: DependencyTree): ReadonlySet<string> {
  const before = new Map((base.patches ?? []).map((patch) => [patch.path, patch.text]));
  return new Set((head.patches ?? []).filter((patch) => !before.has(patch.path) || before.get(patch.path) !== patch.text).map((patch) => patch.file));
}
