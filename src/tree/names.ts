import { npa, validateName } from '../cjs.js';
import { InputError } from '../errors.js';
import { escapeName } from '../text/escape.js';
import { trimLine } from '../text/trim.js';
import { createNode, type TreeSource } from './build.js';
import { isRangeSpec } from '../npm/specs.js';
import type { DependencyTree, Edge, PackageNode, VetName } from './model.js';

/** A name to vet as typed: `name`, `name@range`, `alias@npm:real@1`, or a URL/git spec; `line` in its file. */
export interface NameArgument {
  readonly text: string;
  readonly line?: number | undefined;
}

// A name, optionally scoped, then an optional @spec. Deliberately looser than npm's rules: a look-alike
// character that npm would refuse must still reach the near-miss check.
const NAME_WITH_SPEC = /^((?:@[^/@\s]+\/)?[^@/\s]+)(?:@(.*))?$/u;

/** The edges out of every name to vet: none. One shared map that refuses additions, not a map per name. */
class NoEdges extends Map<string, Edge> {
  override set(): this {
    throw new Error('a name to vet declares no dependencies');
  }
}
const NO_EDGES_OUT: Map<string, Edge> = new NoEdges();

export type { VetName } from './model.js';

/** Why npm would refuse an argument to vet (as refusedArgument says); `inSpec` when its name is fine and its spec is not. */
export interface VetRefusal {
  readonly reason: string;
  readonly inSpec?: true;
}

/**
 * Each argument parsed once, in order (treeFromVetNames judges a name given twice once, as first given).
 * `refused`: the first argument npm would refuse to install, with why.
 */
export function readVetNames(names: readonly NameArgument[]): { names: VetName[]; refused?: VetRefusal & { argument: NameArgument } } {
  const read: VetName[] = [];
  for (const argument of names) {
    const vetName = readVetName(argument.text, argument.line);
    if ('reason' in vetName) return { names: read, refused: { argument, ...vetName } };
    read.push(vetName);
  }
  return { names: read };
}

/** One argument of readVetNames, read: the name to vet, or why npm would refuse to install it. */
export function readVetName(text: string, line: number | undefined): VetName | VetRefusal {
  const trimmed = trimLine(text);
  // Nearly every line of a list: a plain name alone, which npm accepts as it is (isPlainName) and reads as no path
  // (neither `~` first nor a tarball's ending): the checks below would each pass it.
  if (isPlainName(trimmed) && trimmed[0] !== '~' && !TARBALL_FILE.test(trimmed)) return { name: trimmed, spec: '*', location: `node_modules/${trimmed}`, line };
  const bare = isBareSpec(trimmed);
  const { name, spec, location } = parseTrimmed(trimmed, bare);
  if (CONTROL.test(trimmed)) {
    // A URL, git spec or path alone is all spec; `name@spec` may be a fine name with a spec that is not.
    const inSpec = bare || (!CONTROL.test(name) && refusedName(name) === undefined);
    return inSpec ? { reason: 'it contains control characters', inSpec } : { reason: 'it contains control characters' };
  }
  const reason = trimmed === '' ? 'the name is empty' : bare ? undefined : refusedName(name);
  return reason === undefined ? { name, spec, location, line } : { reason };
}

/**
 * The names to vet in rounds, each of which names a package once: the first spec given of every name, then the
 * second different spec of those given twice, and so on. The same name and spec given again is judged once.
 */
export function vetRounds(names: readonly VetName[]): VetName[][] {
  const first: VetName[] = [];
  const rounds: VetName[][] = [first];
  // The spec first given of each name (whose location is `node_modules/<name>`); a set only for a name given again
  // (a list of 20,000 names has a few).
  const specsOf = new Map<string, string | Set<string>>();
  for (const vetName of names) {
    const { name, spec } = vetName;
    const seen = specsOf.get(name);
    if (seen === undefined) {
      specsOf.set(name, spec);
      first.push(vetName);
      continue;
    }
    const specs = typeof seen === 'string' ? new Set([seen]) : seen;
    if (specs.has(spec)) continue;
    (rounds[specs.size] ??= []).push(vetName);
    specs.add(spec);
    specsOf.set(name, specs);
  }
  return rounds;
}

/**
 * The tree `vet` checks: a root that declares each name, and one unresolved node per name, so that the
 * same rules apply as to a lockfile (nothing is fetched, so there is nothing to verify an integrity of).
 */
export function treeFromNames(names: readonly NameArgument[], source: Omit<TreeSource, 'format'>): DependencyTree {
  const seen = new Set<string>();
  const unique: VetName[] = [];
  for (const { text, line } of names) {
    const parsed = parseNameArgument(text);
    // A name given twice is judged once, as first given (a tree holds one package of a name).
    if (seen.has(parsed.name)) continue;
    seen.add(parsed.name);
    unique.push({ ...parsed, line });
  }
  return treeFromVetNames(unique, source);
}

/**
 * treeFromNames of arguments already read (readVetNames), each name once (as vetRounds gives them).
 *
 * `byNameOnly(name)`: whether nothing but its name can be known of a plain registry name (a name npm accepts, with
 * a range, `latest` or no spec: offline, a name npm's cache does not hold). Such a name has no version, source, integrity, manifest,
 * dependencies or registry facts: of every rule only the name rules (near-miss-name, unregistered-name) read
 * anything it has. It gets no node, nor an edge from the root: a list of 20,000 names to vet, nearly all of them
 * such names, would otherwise make 20,000 nodes for every rule to walk. The tree's `vetNames` keeps it in the
 * order given; nameOnlyNode makes its node for a finding.
 */
export function treeFromVetNames(names: readonly VetName[], source: Omit<TreeSource, 'format'>, byNameOnly?: (name: string) => boolean): DependencyTree {
  const root = createNode({ location: '', installName: '', name: '' });
  const nodes = new Map<string, PackageNode>([['', root]]);
  const vetNames: (PackageNode | VetName)[] = [];
  for (const vetName of names) {
    const { name, spec, location } = vetName;
    if (byNameOnly !== undefined && isRangeSpec(spec) && isPlainName(name) && byNameOnly(name)) {
      vetNames.push(vetName);
      continue;
    }
    // Each edge is linked here to the node made for it, as finishTree would resolve it (the root's
    // `node_modules/<name>`); a list of names then makes no second pass and no location look-ups.
    const edge: Edge = { name, spec, type: 'prod', from: root, to: undefined };
    const node = new NameNode(location, name, realName(name, spec), edge);
    edge.to = node;
    nodes.set(location, node);
    root.edgesOut.set(name, edge);
    vetNames.push(node);
  }
  return { root, nodes, ...source, format: 'names', vetNames };
}

/** Whether an entry of a vet tree's `vetNames` is a name known by its name only (see treeFromVetNames), not a node. */
export const isNameOnly = (entry: PackageNode | VetName): entry is VetName => !('edgesIn' in entry);

/** How many names of a vet tree are known by name only (see treeFromVetNames): those of its `vetNames` without a node. */
export const nameOnlyCount = (tree: DependencyTree): number => (tree.vetNames === undefined ? 0 : tree.vetNames.length - (tree.nodes.size - 1));

const madeNodes = new WeakMap<DependencyTree, Map<string, PackageNode>>();

/**
 * The node of a name known by name only, made when a rule reports on it: declared once by the root, as every
 * name of the tree is (the same node each time it is asked for). It stays out of `nodes`, which the other rules
 * walk: it has nothing they read.
 */
export function nameOnlyNode(tree: DependencyTree, { name, spec, location }: VetName): PackageNode {
  let made = madeNodes.get(tree);
  if (made === undefined) madeNodes.set(tree, (made = new Map()));
  let node = made.get(location);
  if (node === undefined) {
    const edge: Edge = { name, spec, type: 'prod', from: tree.root, to: undefined };
    node = new NameNode(location, name, name, edge);
    edge.to = node;
    made.set(location, node);
  }
  return node;
}

/**
 * A name to vet: resolved to nothing yet, declared once by the root, declaring nothing. What every such node
 * shares lives once on the prototype, so a list of 20,000 names allocates four fields a name, not twenty (less
 * to allocate, and to copy when the garbage collector promotes the tree).
 */
class NameNode implements PackageNode {
  // Declared only: their values are NAME_NODE_SHARED's, on the prototype.
  declare readonly version: undefined;
  declare readonly resolved: undefined;
  declare readonly integrity: undefined;
  declare readonly isRoot: boolean;
  declare readonly isWorkspace: boolean;
  declare readonly isLink: boolean;
  declare target: PackageNode | undefined;
  declare isLinkTarget: boolean;
  declare readonly dev: boolean;
  declare readonly optional: boolean;
  declare readonly inBundle: boolean;
  declare readonly scripts: undefined;
  declare readonly manifestProblem: undefined;
  declare readonly declaredOnly: boolean;
  declare readonly hasInstallScript: boolean;
  declare readonly edgesOut: Map<string, Edge>;
  readonly edgesIn: Edge[];
  constructor(
    readonly location: string,
    readonly installName: string,
    readonly name: string,
    edge: Edge,
  ) {
    this.edgesIn = [edge];
  }
}
const NAME_NODE_SHARED: Omit<PackageNode, 'location' | 'installName' | 'name' | 'edgesIn'> = {
  version: undefined,
  resolved: undefined,
  integrity: undefined,
  isRoot: false,
  isWorkspace: false,
  isLink: false,
  target: undefined,
  isLinkTarget: false,
  dev: false,
  optional: false,
  inBundle: false,
  scripts: undefined,
  manifestProblem: undefined,
  declaredOnly: false,
  hasInstallScript: false,
  edgesOut: NO_EDGES_OUT,
};
Object.assign(NameNode.prototype, NAME_NODE_SHARED);

/**
 * The name, spec and tree location of one typed argument. A path, URL or git spec typed alone (`./lib`,
 * `../x.tgz`, `https://host/x.tgz`, `github:u/r`) names no package until npm fetches it: its text stands for
 * the name, and `isBareSpec` tells the name checks to leave it to the URL, git and local rules.
 */
export function parseNameArgument(text: string): { name: string; spec: string; location: string } {
  const trimmed = trimLine(text);
  return parseTrimmed(trimmed, isBareSpec(trimmed));
}

function parseTrimmed(trimmed: string, bare: boolean): { name: string; spec: string; location: string } {
  if (bare) return { name: trimmed, spec: trimmed, location: `node_modules/${trimmed}` };
  const match = NAME_WITH_SPEC.exec(trimmed);
  const name = match ? match[1]! : trimmed;
  return { name, spec: match ? match[2] || '*' : trimmed, location: `node_modules/${name}` };
}

function realName(name: string, spec: string): string {
  if (!/^npm:/i.test(spec)) return name;
  try {
    return npa(spec.slice(4)).name ?? name;
  } catch {
    return name;
  }
}

const FETCHED_BY_SPEC = new Set(['file', 'directory', 'remote', 'git']);
const NEVER_A_SPEC = /^[^.~:/\\][^:/\\]*$/;
// npm-package-arg's own `isFileType`.
const TARBALL_FILE = /[.](?:tgz|tar.gz|tar)$/i;
// A name of lower-case letters, digits and - . _ ~ (not leading . or _), optionally scoped: one that
// validate-npm-package-name accepts for old packages unless it is one of its two reserved names.
const PLAIN_NAME = /^(?:@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*$/;
const RESERVED_NAMES = new Set(['node_modules', 'favicon.ico']);

/** A name npm-package-arg accepts as it is (see PLAIN_NAME); false only means "ask npm-package-arg". */
export const isPlainName = (name: string): boolean => PLAIN_NAME.test(name) && !RESERVED_NAMES.has(name);

/**
 * Whether `npm install <text>` would read the text as a path, URL or git spec rather than a name, as
 * npm-package-arg decides. A leading `@` is always a scope: npm would look for a folder named `@scope/`, but
 * whoever typed it meant a name (and `refusedName` refuses it).
 */
export function isBareSpec(text: string): boolean {
  if (text.startsWith('@')) return false;
  // npa reads text as a path, URL or git spec only when it holds a ':', '/' or '\\', starts with '.' or '~', or
  // ends like a tarball file; anything else is a name (or name@spec). Answering those without npa keeps a vet of
  // 20,000 names from spending seconds in npa's URL parsing (a test holds this to npa's own answers).
  if (NEVER_A_SPEC.test(text) && !TARBALL_FILE.test(text)) return false;
  try {
    const parsed = npa(text);
    return !parsed.name && FETCHED_BY_SPEC.has(parsed.type);
  } catch {
    return false;
  }
}

// C0/C1 controls, and the bidi and line-separator characters that reorder or break a terminal line.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/**
 * Why npm would refuse to install a name at all (validate-npm-package-name's `validForOldPackages`), or
 * undefined. A look-alike or invisible character (`l\u043edash` with a Cyrillic o, a zero-width space) is refused
 * as npm refuses it, and named: it is no squat of a popular name (npm cannot install it), but a name that fails.
 */
export function refusedName(name: string): string | undefined {
  if (name === '') return 'the name is empty';
  // Nearly every name: no need for the validator's dozen checks (a test holds this to its answers).
  if (isPlainName(name)) return undefined;
  if (CONTROL.test(name)) return 'it contains control characters';
  const verdict = validateName(name);
  if (verdict.validForOldPackages) return undefined;
  const reason = (verdict.errors ?? ['npm refuses it']).join('; ');
  const outside = [...new Set(name.match(/\P{ASCII}/gu))];
  return outside.length
    ? `${reason}; ${escapeName(outside.join(''))} ${outside.length === 1 ? 'is' : 'are'} outside ASCII, a look-alike or invisible character`
    : reason;
}

/**
 * For `vet` and manifests under review: each argument that is a name npm would refuse, with the reason.
 * Paths, URLs and git specs are not names and pass.
 */
export function refusedArgument(text: string): string | undefined {
  const trimmed = trimLine(text);
  if (CONTROL.test(trimmed)) return 'it contains control characters';
  if (trimmed === '') return 'the name is empty';
  if (isBareSpec(trimmed)) return undefined;
  const match = NAME_WITH_SPEC.exec(trimmed);
  return refusedName(match ? match[1]! : trimmed);
}

/** The gates' first step: a spec npm would refuse as a name stops here, in npm's words, its characters shown escaped. */
export function refuseInvalidNames(texts: readonly string[]): void {
  for (const text of texts) {
    const refused = refusedArgument(text);
    if (refused !== undefined) throw new InputError(`"${escapeName(text)}" is not a package name npm would install (${refused})`);
  }
}
