import type { DependencyTree, PackageNode, RecordedDeclarations, SyncProblem } from './model.js';
import { isRecord, type JsonRecord } from './shape.js';
import { syncProblems } from './sync.js';

/**
 * What the frozen-lockfile mode of yarn, pnpm and bun refuses, without a registry: package.json (the root's, each
 * workspace's) against what the lockfile recorded for that project, compared as each manager compares them
 * (scripts/measure-frozen-lockfile.mjs measured the cases; test/fixtures/lockfiles/frozen-cases.json):
 *  - pnpm (`--frozen-lockfile`, @pnpm/lockfile.verification satisfiesPackageManifest): the importer's specifiers equal
 *    package.json's ranges exactly, each in the same field; peers count as dependencies under `autoInstallPeers`;
 *  - yarn berry (`--immutable`): the workspace's entry lists the same dependencies (dev and optional ones merged into
 *    `dependencies`) and peers with the same ranges (berry writes `npm:` before a registry range);
 *  - bun (`--frozen-lockfile`): refuses only when the locked packages would change: a declared range is judged as npm ci
 *    judges it (satisfied by what is locked where Node finds it, src/tree/sync.ts), and a dependency no longer declared
 *    is refused when nothing else reaches its package (bun would prune it);
 *  - yarn classic (`--frozen-lockfile`): every declared `name@range` has an entry (a removed dependency is accepted).
 *    yarn 1 does not check its workspaces' ranges under --frozen-lockfile (it resolves them anew); that is still
 *    reported here, because what gets installed is then not what the lockfile holds.
 * And in every format (fail closed): a dependency of any package, the project's included, that resolves to no
 * locked entry. The manager would resolve it anew, so what is checked is not what gets installed. Peers are left
 * out: they resolve to what the dependent's parent provides, and an optional peer may be absent.
 */
export function lockSyncProblems(tree: DependencyTree, manifests: ReadonlyMap<string, JsonRecord>): SyncProblem[] {
  const problems: SyncProblem[] = [];
  const reported = new Set<string>();
  const add = (problem: SyncProblem): void => {
    const id = `${problem.declarer}\u0000${problem.name}`;
    if (reported.has(id)) return;
    reported.add(id);
    problems.push(problem);
  };
  if (tree.format === 'bun-lockfile') {
    // npm-package-arg refuses `workspace:`: bun links the workspace of that name, which the tree holds.
    for (const problem of syncProblems(tree, manifests)) if (!(problem.spec?.startsWith('workspace:') && linksWorkspace(tree, problem))) add(problem);
  }
  for (const [location, manifest] of manifests) {
    const recorded = tree.recorded?.get(location);
    const node = tree.nodes.get(location);
    if (!node || !recorded) continue;
    const manifestFile = location === '' ? 'package.json' : `${location}/package.json`;
    const differences =
      tree.format === 'pnpm-lockfile'
        ? pnpmDifferences(manifest, recorded)
        : tree.format === 'yarn-berry'
          ? berryDifferences(manifest, recorded)
          : bunPruned(node, manifest, recorded);
    for (const { name, spec, recordedSpec } of differences) {
      const locked = tree.nodes.get(location)!.edgesOut.get(name)?.to;
      add({ manifest: manifestFile, declarer: location, name, spec, locked: locked ? lockedLabel(locked) : undefined, recorded: recordedSpec });
    }
  }
  for (const problem of unlockedDependencies(tree, true)) add(problem);
  return problems;
}

/**
 * Dependencies that resolve to no locked entry. Any install resolves them anew from the registry (npm ci too: its
 * reify fixes the lockfile's missing edges), so what they fetch was never checked. Peers are left out: they resolve
 * to what the dependent's parent provides, and an optional peer may be absent. `projects: false` leaves the root's
 * and workspaces' own edges to the manifest comparison that already covers them.
 */
export function unlockedDependencies(tree: DependencyTree, projects: boolean): SyncProblem[] {
  const problems: SyncProblem[] = [];
  for (const node of tree.nodes.values()) {
    const project = node.isRoot || (node.isWorkspace && !node.isLink);
    if (project && !projects) continue;
    for (const edge of node.edgesOut.values()) {
      if (edge.to || edge.type === 'peer' || edge.type === 'peerOptional' || edge.type === 'workspace') continue;
      const manifest = project ? (node.location === '' ? 'package.json' : `${node.location}/package.json`) : `the dependencies of ${entryLabel(node)}`;
      problems.push({ manifest, declarer: node.location, name: edge.name, spec: edge.spec, locked: undefined });
    }
  }
  return problems;
}

interface Difference {
  readonly name: string;
  /** package.json's spec; undefined when it no longer declares the name. */
  readonly spec: string | undefined;
  readonly recordedSpec: string | undefined;
}

const FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const;

function fieldOf(manifest: JsonRecord, field: string): Record<string, string> {
  const value = manifest[field];
  if (!isRecord(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** Each name whose spec differs between the two maps, in the declared order, then the names only recorded. */
function compare(
  declared: Readonly<Record<string, string>>,
  recorded: Readonly<Record<string, string>>,
  same = (a: string, b: string) => a === b,
): Difference[] {
  const differences: Difference[] = [];
  for (const [name, spec] of Object.entries(declared)) {
    const recordedSpec = Object.hasOwn(recorded, name) ? recorded[name] : undefined;
    if (recordedSpec === undefined || !same(spec, recordedSpec)) differences.push({ name, spec, recordedSpec });
  }
  for (const [name, recordedSpec] of Object.entries(recorded)) {
    if (!Object.hasOwn(declared, name)) differences.push({ name, spec: undefined, recordedSpec });
  }
  return differences;
}

/**
 * pnpm's satisfiesPackageManifest: the specifiers of every field merged (optional over prod over dev, as pnpm merges
 * them; peers first under autoInstallPeers) equal package.json's, and each name sits in the field package.json puts it.
 */
function pnpmDifferences(manifest: JsonRecord, recorded: RecordedDeclarations): Difference[] {
  const [prod, dev, optional, peer] = FIELDS.map((field) => fieldOf(manifest, field)) as [
    Record<string, string>,
    Record<string, string>,
    Record<string, string>,
    Record<string, string>,
  ];
  const all = { ...(recorded.peersInstalled ? peer : {}), ...dev, ...prod, ...optional };
  const declared = recorded.linksExcluded ? Object.fromEntries(Object.entries(all).filter(([, spec]) => !spec.startsWith('link:'))) : all;
  const fields = recorded.fields;
  const specifiers = { ...fields.devDependencies, ...fields.dependencies, ...fields.optionalDependencies };
  const differences = compare(declared, specifiers);
  const seen = new Set(differences.map(({ name }) => name));
  // The same specifier in another field: pnpm refuses it all the same (a dev dependency is not installed in production).
  const fieldOfName = (name: string): string =>
    Object.hasOwn(optional, name)
      ? 'optionalDependencies'
      : Object.hasOwn(prod, name)
        ? 'dependencies'
        : Object.hasOwn(dev, name)
          ? 'devDependencies'
          : 'dependencies';
  for (const name of Object.keys(declared)) {
    if (seen.has(name)) continue;
    if (!Object.hasOwn(fields[fieldOfName(name)] ?? {}, name)) differences.push({ name, spec: declared[name], recordedSpec: specifiers[name] });
  }
  return [...differences, ...pnpmMetaDifferences(manifest, recorded)];
}

/**
 * pnpm's frozen install also refuses an importer whose `dependenciesMeta` (deep-equal) or `publishDirectory` is not
 * package.json's `dependenciesMeta` and `publishConfig.directory` (measured with pnpm 9: frozen-cases.json,
 * "pnpm-v9-features"): an injected dependency turned on or off, a workspace published from another folder.
 */
function pnpmMetaDifferences(manifest: JsonRecord, recorded: RecordedDeclarations): Difference[] {
  const meta = recorded.pnpmMeta;
  if (!meta) return [];
  const differences: Difference[] = [];
  const declaredMeta = isRecord(manifest.dependenciesMeta) ? manifest.dependenciesMeta : {};
  const recordedMeta = isRecord(meta.dependenciesMeta) ? meta.dependenciesMeta : {};
  for (const name of new Set([...Object.keys(declaredMeta), ...Object.keys(recordedMeta)])) {
    const [declared, written] = [declaredMeta[name], recordedMeta[name]].map((value) => (value === undefined ? undefined : canonicalJson(value)));
    if (declared !== written) differences.push({ name: `dependenciesMeta["${name}"]`, spec: declared, recordedSpec: written ?? '(none)' });
  }
  const directory = isRecord(manifest.publishConfig) ? manifest.publishConfig.directory : undefined;
  if (directory !== meta.publishDirectory) {
    differences.push({
      name: 'publishConfig.directory',
      spec: typeof directory === 'string' ? directory : undefined,
      recordedSpec: meta.publishDirectory ?? '(none)',
    });
  }
  return differences;
}

/** JSON with object keys sorted: deep equality as a string compare. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isRecord(value))
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/** berry: the workspace entry's `dependencies` (prod, dev and optional merged) and `peerDependencies`, `npm:` aside. */
function berryDifferences(manifest: JsonRecord, recorded: RecordedDeclarations): Difference[] {
  const [prod, dev, optional, peer] = FIELDS.map((field) => fieldOf(manifest, field));
  const sameRange = (declared: string, written: string): boolean => declared === written || `npm:${declared}` === written;
  return [
    ...compare({ ...dev, ...prod, ...optional }, recorded.fields.dependencies ?? {}, sameRange),
    ...compare(peer ?? {}, recorded.fields.peerDependencies ?? {}, sameRange),
  ];
}

/** bun: a recorded dependency package.json no longer declares, whose package nothing else reaches (bun prunes it). */
function bunPruned(node: PackageNode, manifest: JsonRecord, recorded: RecordedDeclarations): Difference[] {
  const declared = new Set(FIELDS.flatMap((field) => Object.keys(fieldOf(manifest, field))));
  const differences: Difference[] = [];
  for (const field of FIELDS) {
    for (const [name, recordedSpec] of Object.entries(recorded.fields[field] ?? {})) {
      if (declared.has(name)) continue;
      const locked = node.edgesOut.get(name)?.to;
      if (locked && locked.edgesIn.every((edge) => edge.from === node)) differences.push({ name, spec: undefined, recordedSpec });
    }
  }
  return differences;
}

function linksWorkspace(tree: DependencyTree, problem: SyncProblem): boolean {
  const edge = tree.nodes.get(problem.declarer)?.edgesOut.get(problem.name);
  return edge?.to?.isWorkspace === true;
}

const entryLabel = (node: PackageNode): string => (node.version === undefined ? node.name : `${node.name}@${node.version}`);

const lockedLabel = (node: PackageNode): string =>
  node.isLink ? `a link to ${node.resolved ?? node.location}` : (node.version ?? node.resolved ?? 'a package with no version');
