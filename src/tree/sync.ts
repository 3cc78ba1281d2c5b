import { relative, resolve } from 'node:path';
import { npa, semver } from '../cjs.js';
import { createNode, resolveLocation } from './build.js';
import type { DependencyTree, PackageNode, SyncProblem } from './model.js';
import { isPlainName } from './names.js';
import { addDeclaredEdges } from './npm-lockfile.js';
import { Shape, type JsonRecord } from './shape.js';
import { escapeText } from '../text/escape.js';

/**
 * What `npm ci` would refuse: a dependency that package.json (the root's, or a workspace's) declares and the
 * lockfile does not satisfy. npm ci builds arborist's ideal tree from the lockfile and the package.json files
 * and refuses when it differs from the locked tree; the ideal tree only changes where an edge of the project is
 * missing or invalid (arborist's #problemEdges), so that is what is compared here, without a registry:
 *  - the declared spec is satisfied by what is locked where Node would find it, whatever spec string the
 *    lockfile recorded (`^1.1.0` declared, `^1.1.1` recorded, 1.1.1 locked: in sync, as npm ci says);
 *  - a locked package no longer declared is pruned by npm ci, not refused: in sync;
 *  - a missing or invalid peerOptional dependency is trusted from the lockfile by npm ci (npm/cli#8726).
 * Edges of packages inside node_modules are the lockfile's own and can be bent by `overrides` or
 * legacy-peer-deps: only the project's own manifests are compared, as before.
 */
export function syncProblems(tree: DependencyTree, manifests: ReadonlyMap<string, JsonRecord>): SyncProblem[] {
  const problems: SyncProblem[] = [];
  for (const [location, manifest] of manifests) {
    const node = tree.nodes.get(location);
    if (!node) continue;
    const manifestFile = location === '' ? 'package.json' : `${location}/package.json`;
    const declared = createNode({ location, installName: node.installName });
    addDeclaredEdges(new Shape(manifestFile), declared, manifest, manifestFile, true);
    for (const edge of declared.edgesOut.values()) {
      const found = resolveLocation(tree.nodes, location, edge.name);
      const locked = found?.isLink ? (found.target ?? found) : found;
      const problem = { manifest: manifestFile, declarer: location, name: edge.name, spec: edge.spec };
      if (!found || !locked) {
        if (edge.type !== 'peerOptional') problems.push({ ...problem, locked: undefined });
        continue;
      }
      if (edge.type === 'peerOptional') continue;
      const recordedSpec = node.edgesOut.get(edge.name)?.spec;
      if (!satisfies(tree, node, edge.name, edge.spec, found, recordedSpec)) problems.push({ ...problem, locked: lockedLabel(found, locked) });
    }
  }
  return problems;
}

/** The one-line reason npm ci (or another manager's frozen mode) would refuse, as `depwarden ci` says it. */
export function syncMessage(problem: SyncProblem, installCommand = 'npm install'): string {
  const name = escapeText(problem.name);
  const reason =
    problem.locked === undefined
      ? `"${name}" is declared but no package for it is locked`
      : `"${name}" wants "${escapeText(problem.spec ?? '')}" but ${escapeText(problem.locked)} is locked`;
  return `is out of sync with ${escapeText(problem.manifest)}: ${reason}; run \`${installCommand}\` to update it`;
}

/** What this module reads of npm-package-arg's result (its bundled types predate `ssh()` and `subSpec`). */
interface Parsed {
  readonly type: string;
  readonly name: string | null;
  readonly fetchSpec: string | null;
  readonly gitCommittish?: string | null;
  readonly gitRange?: string | null;
  readonly hosted?: { ssh(options: { noCommittish: boolean }): string } | null;
  readonly subSpec?: Parsed;
}

const parse = (name: string, spec: string, where: string): Parsed => plainRegistrySpec(name, spec) ?? (npa.resolve(name, spec, where) as unknown as Parsed);

/**
 * A plain name with a semver version or range (nearly every dependency a package.json declares), read as
 * npm-package-arg's fromRegistry reads it, without loading npm-package-arg (with hosted-git-info and all of
 * semver it costs a warm check tens of milliseconds). Undefined for anything else, which npa then parses: a
 * spec npa could read as a path (a leading `.`, a tarball file name), git, a URL, an alias or a tag. A test
 * holds this to npa's own answers.
 */
export function plainRegistrySpec(name: string, spec: string): Parsed | undefined {
  if (!isPlainName(name) || !PLAIN_RANGE.test(spec) || spec.trimStart().startsWith('.') || TARBALL_FILE.test(spec)) return undefined;
  const fetchSpec = spec.trim();
  if (semver.valid(fetchSpec, true)) return { type: 'version', name, fetchSpec };
  if (semver.validRange(fetchSpec, true)) return { type: 'range', name, fetchSpec };
  return undefined;
}

// Characters of semver ranges only: no ':' (URL, git, alias, file:), '/' or '\\' (paths, git shorthands), '#' or '@'.
const PLAIN_RANGE = /^[\w.+\-\s|<>=^~*]+$/;
// npm-package-arg's own `isFileType`.
const TARBALL_FILE = /[.](?:tgz|tar.gz|tar)$/i;
const parseUrl = (text: string): Parsed => npa(text) as unknown as Parsed;

const lockedLabel = (found: PackageNode, locked: PackageNode): string =>
  found.isLink ? `a link to ${found.resolved ?? locked.location}` : (locked.version ?? locked.resolved ?? 'a package with no version');

/**
 * arborist's dep-valid.js over this model: it takes arborist's own Node objects, which the v2/v3 loader does
 * not build. Same decision per spec type; an unparsable or unknown spec satisfies nothing, as there.
 */
export function satisfies(
  tree: DependencyTree,
  declarer: PackageNode,
  name: string,
  spec: string,
  found: PackageNode,
  recordedSpec: string | undefined,
): boolean {
  const declarerDir = resolve(tree.projectDir, declarer.location);
  let requested: Parsed;
  try {
    requested = parse(name, spec || '*', declarerDir);
  } catch {
    return false;
  }
  const locked = found.isLink ? (found.target ?? found) : found;
  if (requested.type === 'alias') {
    const sub = requested.subSpec;
    if (!sub || locked.name !== sub.name) return false;
    requested = sub;
  }
  switch (requested.type) {
    case 'range':
    case 'version': {
      if (requested.fetchSpec === '*') return true;
      return locked.version !== undefined && semver.satisfies(locked.version, requested.fetchSpec ?? '', true);
    }
    case 'tag':
      return found.resolved === undefined || isRemote(found.resolved);
    case 'remote':
      return found.resolved === requested.fetchSpec;
    case 'directory':
      return found.isLink && found.target !== undefined && relative(resolve(tree.projectDir, found.target.location), requested.fetchSpec ?? '') === '';
    case 'file':
      return !found.isLink && found.resolved?.startsWith('file:') === true && resolve(tree.projectDir, found.resolved.slice(5)) === requested.fetchSpec;
    case 'git':
      return sameGit(requested, found, recordedSpec, name, declarerDir);
    default:
      return false;
  }
}

function isRemote(resolved: string): boolean {
  try {
    return parseUrl(resolved).type === 'remote';
  } catch {
    return false;
  }
}

/** The same repository; the same commit when one is asked for; the tag range when given; the same named ref as recorded. */
function sameGit(requested: Parsed, found: PackageNode, recordedSpec: string | undefined, name: string, where: string): boolean {
  let lockedRepo: Parsed;
  try {
    lockedRepo = parseUrl(found.resolved ?? '');
  } catch {
    return false;
  }
  const commit = /^[a-fA-F0-9]{40,64}$/.test(requested.gitCommittish ?? '');
  const sshOf = (spec: Parsed) => spec.hosted?.ssh({ noCommittish: !commit });
  if (!lockedRepo.hosted ? lockedRepo.fetchSpec !== requested.fetchSpec : sshOf(requested) !== sshOf(lockedRepo)) return false;
  if (requested.gitRange) return found.version !== undefined && semver.satisfies(found.version, requested.gitRange, { loose: true });
  if (commit || recordedSpec === undefined) return true;
  try {
    const recorded = parse(name, recordedSpec, where);
    return recorded.type !== 'git' || (recorded.gitCommittish ?? '') === (requested.gitCommittish ?? '');
  } catch {
    return true;
  }
}
