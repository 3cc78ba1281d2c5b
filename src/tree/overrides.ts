import { overrideSet, type OverrideRule } from '../cjs.js';
import { InputError } from '../errors.js';
import type { DependencyTree, Edge, PackageNode, SyncProblem } from './model.js';
import { isRecord, shown, type JsonRecord } from './shape.js';
import { satisfies } from './sync.js';

const MANIFEST = 'package.json "overrides"';

/**
 * What `npm ci` refuses because of the root package.json's `overrides`: arborist applies them to the locked tree's
 * edges (an edge's spec becomes the override's value) and resolves anew every edge the locked package no longer
 * satisfies, so its ideal tree differs from the lockfile (measured with npm 11: an override of a transitive package
 * to a version not locked fails `npm ci`; one the locked version satisfies, or a `$name` reference, passes).
 * Overrides are matched by arborist's own OverrideSet; the propagation down the tree is arborist's (an edge's
 * rule becomes its target's set), walked here over this model, each node once per set that reaches it.
 * Bundled packages are not overridden (arborist does not either). Also the spec each overridden edge is installed by.
 */
export function overrideProblems(tree: DependencyTree, manifest: JsonRecord): { problems: SyncProblem[]; overriddenSpecs: Map<Edge, string> } {
  const overriddenSpecs = new Map<Edge, string>();
  const overrides = manifest.overrides;
  if (overrides === undefined || (isRecord(overrides) && Object.keys(overrides).length === 0)) return { problems: [], overriddenSpecs };
  if (!isRecord(overrides)) throw new InputError(`"overrides" must be an object, as npm reads it`, 'package.json');
  let root: OverrideRule;
  try {
    root = overrideSet(structuredClone(overrides));
  } catch (error) {
    throw new InputError(`"overrides" cannot be read as npm reads it: ${(error as Error).message.split('\n')[0]}`, 'package.json');
  }
  const problems: SyncProblem[] = [];
  const reported = new Set<string>();
  const seen = new Map<string, Set<OverrideRule>>();
  const queue: [PackageNode, OverrideRule][] = [[tree.root, root]];
  for (let index = 0; index < queue.length; index++) {
    const [node, set] = queue[index]!;
    for (const edge of node.edgesOut.values()) {
      if (edge.type === 'workspace' || !edge.to) continue;
      const target = edge.to.isLink ? (edge.to.target ?? edge.to) : edge.to;
      if (target.inBundle) continue;
      const rule = ruleFor(set, edge.name, edge.spec);
      const overridden = rule.name === edge.name && rule.value !== undefined && rule.value !== '*' && rule.value !== '';
      if (overridden) {
        const spec = resolveReference(rule.value!, manifest);
        overriddenSpecs.set(edge, spec);
        const valid =
          satisfies(tree, node, edge.name, spec, edge.to, undefined) ||
          (rule.keySpec !== undefined &&
            satisfies(tree, node, edge.name, edge.spec, edge.to, undefined) &&
            !satisfies(tree, node, edge.name, rule.keySpec, edge.to, undefined));
        const locked = target.version ?? target.resolved ?? 'a package with no version';
        const key = `${edge.name}\u0000${spec}\u0000${locked}`;
        if (!valid && !reported.has(key)) {
          reported.add(key);
          problems.push({ manifest: MANIFEST, declarer: '', name: edge.name, spec, locked });
        }
      }
      let sets = seen.get(target.location);
      if (sets === undefined) seen.set(target.location, (sets = new Set()));
      if (sets.has(rule)) continue;
      sets.add(rule);
      queue.push([target, rule]);
    }
  }
  return { problems, overriddenSpecs };
}

/** arborist's getEdgeRule; a spec npm-package-arg cannot read gets no rule (npm refuses it elsewhere). */
function ruleFor(set: OverrideRule, name: string, spec: string): OverrideRule {
  try {
    return set.getEdgeRule({ name, rawSpec: spec, spec });
  } catch {
    return set;
  }
}

/** `$name`: the root's own spec for that dependency, looked up in arborist's order. */
function resolveReference(value: string, manifest: JsonRecord): string {
  if (!value.startsWith('$')) return value;
  const ref = value.slice(1);
  for (const field of ['devDependencies', 'optionalDependencies', 'dependencies', 'peerDependencies']) {
    const specs = manifest[field];
    if (isRecord(specs) && typeof specs[ref] === 'string' && specs[ref] !== '') return specs[ref];
  }
  throw new InputError(`"overrides" refers to "${shown(value)}", which the root package.json does not declare (npm cannot resolve it either)`, 'package.json');
}
