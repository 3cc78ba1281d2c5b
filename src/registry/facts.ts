import { semver } from '../cjs.js';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize, sep } from 'node:path';
import type { Packument, VersionManifest } from '../npm/manifest.js';
import type { PackumentResult, RegistryClient } from './client.js';
import type { FactsCache } from './facts-cache.js';
import { BoundedFetchError, extractBoundedTarball } from './bounded-fetch.js';
import { createRequire } from 'node:module';
import { isFetchedPackage } from '../tree/queries.js';
import { nameOnlyCount, refusedName } from '../tree/names.js';
import { installScriptsOf } from '../npm/scripts.js';
import { analyzeInstallScripts, type PackageFile, type ScriptAnalysis } from '../scripts/analyze.js';
import { classifyResolved, specType } from '../npm/specs.js';
import type { DependencyTree, PackageNode } from '../tree/model.js';

/** What the registry knows of the version of one package that the tree holds (or `vet` would install). */
export interface PackageFacts {
  readonly version: string;
  readonly manifest: VersionManifest;
  /** The release before this one, by semver order, when there is one. */
  readonly previous: { readonly version: string; readonly manifest: VersionManifest } | undefined;
  /** When this version was published; undefined when the registry does not say. */
  readonly published: Date | undefined;
  /** The earliest publish time of any version; undefined when unknown. */
  readonly firstPublished: Date | undefined;
  /**
   * What the install scripts and the package files they run do (src/scripts), read from the tarball, never
   * executed; undefined without install scripts. Cached as is: the signals carry their evidence lines.
   */
  readonly installAnalysis: ScriptAnalysis | undefined;
  /** Why script files could not be read, when they could not. */
  readonly filesFault: string | undefined;
  /** Versions published before this one that carry provenance (`dist.attestations`): how many, and the latest. */
  readonly provenanceBefore: { readonly count: number; readonly latest: string } | undefined;
}

export type FactsEntry =
  { readonly ok: true; readonly facts: PackageFacts } | { readonly ok: false; readonly notFound: boolean; readonly cause: string; readonly offline: boolean };

export interface RegistryFacts {
  readonly byLocation: ReadonlyMap<string, FactsEntry>;
  /** Packages asked about, and how many answered. */
  readonly asked: number;
  readonly offline: boolean;
}

type Answered = readonly (readonly [string, Extract<FactsEntry, { ok: true }>])[];
const answered = new WeakMap<ReadonlyMap<string, FactsEntry>, { size: number; list: Answered }>();

/**
 * The entries the registry (or a cache) answered, by location in `byLocation`'s order, listed once per facts: the
 * rules and passes that read only those then skip the rest without a look (an offline vet of 20,000 names may have
 * a few hundred answers).
 */
export function answeredEntries(facts: RegistryFacts): Answered {
  const known = answered.get(facts.byLocation);
  if (known !== undefined && known.size === facts.byLocation.size) return known.list;
  const list: [string, Extract<FactsEntry, { ok: true }>][] = [];
  for (const [location, entry] of facts.byLocation) if (entry.ok) list.push([location, entry]);
  answered.set(facts.byLocation, { size: facts.byLocation.size, list });
  return list;
}

/** The tar that pacote itself unpacks with (its dependency), so the bounded extraction unpacks as pacote.extract does. */
const pacoteTar = (): { x: unknown } => {
  const require = createRequire(import.meta.url);
  return createRequire(require.resolve('pacote'))('tar') as { x: unknown };
};

/** A file read for the analysis is cut here: larger bundles are judged by their size and their first megabytes. */
const MAX_SCRIPT_FILE = 8 * 1024 * 1024;

/**
 * Asks the registry about every registry package in the tree (each name once), and reads from the tarball
 * the files that install scripts run. The only place where the tree meets the network.
 */
export async function gatherFacts(
  tree: DependencyTree,
  client: RegistryClient,
  options: { offline: boolean; onProgress?: ((done: number, total: number) => void) | undefined; cache?: FactsCache | undefined },
): Promise<RegistryFacts> {
  // Two lists, not a pair per package: a vet of 20,000 names would allocate 20,000 pairs.
  const askedNodes: PackageNode[] = [];
  const askedNames: string[] = [];
  for (const node of tree.nodes.values()) {
    const name = registryName(tree, node);
    if (name === undefined) continue;
    askedNodes.push(node);
    askedNames.push(name);
  }
  // The names of a vet tree known by name only were asked of npm's cache already, which holds none of them (see
  // treeFromVetNames): counted as asked and not cached, with no entry each.
  const byNameOnly = nameOnlyCount(tree);
  const asked = askedNodes.length + byNameOnly;
  const byLocation = new Map<string, FactsEntry>();
  let done = byNameOnly;
  if (byNameOnly > 0) options.onProgress?.(done, asked);
  const settle = (node: PackageNode, entry: FactsEntry): void => {
    byLocation.set(node.location, entry);
    options.onProgress?.(++done, asked);
  };
  // A certain miss is one shared answer (see certainMiss): its entry is made once, not once per name.
  let lastMiss: { miss: object; entry: FactsEntry } | undefined;
  const missEntry = (miss: Extract<PackumentResult, { ok: false }>): FactsEntry => {
    if (lastMiss?.miss !== miss) lastMiss = { miss, entry: { ...miss, offline: options.offline } };
    return lastMiss.entry;
  };
  // What the facts cache holds and what npm's cache certainly lacks is settled at once; only the rest waits
  // on requests (a vet of 20,000 names offline makes no promise per name).
  const requests: Promise<void>[] = [];
  for (let index = 0; index < askedNodes.length; index++) {
    const node = askedNodes[index]!;
    const name = askedNames[index]!;
    const registry = client.registryFor(name);
    const versioned = node.version !== undefined;
    if (!versioned) {
      const miss = client.certainMiss(name);
      if (miss) {
        settle(node, missEntry(miss));
        continue;
      }
    }
    // Offline, a name without a version is judged from npm's cached packument: facts chosen from those very
    // bytes before are reused (see FactsCache.getResolved).
    const spec = specOf(node);
    const packumentIntegrity = !versioned && options.offline && options.cache ? cachedIntegrity(client, name) : undefined;
    const cached = versioned
      ? options.cache?.get(registry, name, node.version!)
      : packumentIntegrity === undefined
        ? undefined
        : options.cache?.getResolved(registry, name, spec, packumentIntegrity);
    const usable = cached && reusable(cached, node, client, options.offline);
    if (usable) {
      settle(node, { ok: true, facts: usable });
      continue;
    }
    const miss = versioned ? client.certainMiss(name) : undefined;
    if (miss) {
      settle(node, missEntry(miss));
      continue;
    }
    requests.push(
      (async () => {
        const answer = await client.packument(name, node.version);
        const entry: FactsEntry = answer.ok ? await factsFor(node, answer.packument, client) : { ...answer, offline: options.offline };
        // Written only when learnt anew: a tarball fault already on record is not news.
        if (entry.ok && !(cached?.filesFault !== undefined && cached.filesFault === entry.facts.filesFault)) {
          options.cache?.set(registry, name, entry.facts);
          if (packumentIntegrity !== undefined) options.cache?.setResolved(registry, name, spec, packumentIntegrity, entry.facts);
        }
        settle(node, entry);
      })(),
    );
  }
  await Promise.all(requests);
  options.cache?.save();
  return { byLocation, asked, offline: options.offline };
}

/**
 * Cached facts stand for the node's version when the lockfile's integrity is the one they were derived from.
 * Facts whose tarball could not be read are derived again online, and offline once npm's cache holds the
 * tarball; else they say what a fresh offline attempt would.
 */
function reusable(cached: PackageFacts, node: PackageNode, client: RegistryClient, offline: boolean): PackageFacts | undefined {
  const integrity = cached.manifest.dist?.integrity;
  if (node.integrity !== undefined && integrity !== undefined && integrity !== node.integrity) return undefined;
  if (cached.filesFault === undefined) return cached;
  if (!offline || integrity === undefined || client.tarballInNpmCache(integrity)) return undefined;
  return { ...cached, filesFault: OFFLINE_TARBALL_FAULT };
}

const OFFLINE_TARBALL_FAULT = 'the tarball could not be read (ENOTCACHED)';

/** The name the registry knows a node by, for packages that come from a registry; undefined otherwise. */
export function registryName(tree: DependencyTree, node: PackageNode): string | undefined {
  const fetched = tree.format === 'names' ? !node.isRoot : isFetchedPackage(node);
  if (!fetched) return undefined;
  // A name npm refuses (an import of `l\u043edash` under review) is no registry's: asking would only earn an EINVALIDTAGNAME.
  if (tree.format === 'names' && refusedName(node.name) !== undefined) return undefined;
  if (node.resolved !== undefined && classifyResolved(node.resolved) !== 'tarball-url') return undefined;
  for (const edge of node.edgesIn) if (specType(edge.name, edge.spec) !== 'registry') return undefined;
  return node.name;
}

async function factsFor(node: PackageNode, packument: Packument, client: RegistryClient): Promise<FactsEntry> {
  const versions = Object.keys(packument.versions ?? {}).filter((version) => semver.valid(version));
  const version = node.version ?? chooseVersion(node, packument, versions);
  const manifest = version === undefined ? undefined : packument.versions?.[version];
  if (version === undefined || !manifest) {
    return {
      ok: false,
      notFound: false,
      offline: false,
      cause: version === undefined ? 'the registry lists no version matching the spec' : `the registry does not list version ${version}`,
    };
  }
  const sorted = versions.sort(semver.compare);
  const before = previousRelease(packument, version, sorted);
  const times = versions.map((v) => dateOf(packument.time?.[v])).filter((date): date is Date => date !== undefined);
  const { analysis, fault } = await analyzeScripts(node.name, version, manifest, client);
  return {
    ok: true,
    facts: {
      version,
      manifest: slimManifest(manifest),
      previous: before === undefined ? undefined : { version: before, manifest: slimManifest(packument.versions![before]!) },
      published: dateOf(packument.time?.[version]),
      firstPublished: times.length ? new Date(Math.min(...times.map((date) => date.getTime()))) : undefined,
      installAnalysis: analysis,
      filesFault: fault,
      provenanceBefore: provenanceBefore(packument, version, sorted),
    },
  };
}

/**
 * The release `version` is compared with: the one before it in semver order. Prereleases of 0.0.0
 * (`0.0.0-experimental-<hash>-<date>`, `0.0.0-canary-…`, the snapshot builds of React, Next and others) carry
 * no order in their versions (a commit hash sorts at random), so between two of them the one published last
 * before this one is the previous release when the registry gives both times. Publish times are not used
 * otherwise: registries and mirrors give times that run against version order (backports, republished
 * histories), and semver order is what a version range upgrades along.
 */
export function previousRelease(packument: Packument, version: string, sorted: readonly string[]): string | undefined {
  const bySemver = sorted[sorted.indexOf(version) - 1];
  const own = isZeroPrerelease(version) ? dateOf(packument.time?.[version])?.getTime() : undefined;
  if (own === undefined) return bySemver;
  let latest: { version: string; time: number } | undefined;
  for (const candidate of sorted) {
    if (candidate === version || !isZeroPrerelease(candidate)) continue;
    const time = dateOf(packument.time?.[candidate])?.getTime();
    if (time !== undefined && time < own && (!latest || time > latest.time)) latest = { version: candidate, time };
  }
  if (latest) return latest.version;
  // No 0.0.0 prerelease was published before this one: the semver neighbour was published later (then it is
  // no previous release), or its time is unknown (then it is the only candidate left).
  const neighbourTime = bySemver === undefined ? undefined : dateOf(packument.time?.[bySemver]);
  return neighbourTime === undefined ? bySemver : undefined;
}

const isZeroPrerelease = (version: string): boolean => version.startsWith('0.0.0-');

/**
 * Earlier versions with provenance: published before this one when the registry gives both times (a backport
 * published later is not "earlier"), else lower in semver order.
 */
function provenanceBefore(packument: Packument, version: string, sorted: readonly string[]): PackageFacts['provenanceBefore'] {
  const own = dateOf(packument.time?.[version])?.getTime();
  let count = 0;
  let latest: { version: string; rank: number } | undefined;
  sorted.forEach((candidate, index) => {
    if (candidate === version || !packument.versions?.[candidate]?.dist?.attestations) return;
    const time = dateOf(packument.time?.[candidate])?.getTime();
    const earlier = own !== undefined && time !== undefined ? time < own : index < sorted.indexOf(version);
    if (!earlier) return;
    count++;
    const rank = time ?? index;
    if (!latest || rank > latest.rank) latest = { version: candidate, rank };
  });
  return latest ? { count, latest: latest.version } : undefined;
}

/**
 * The fields of a published manifest that the rules read, and nothing else: install scripts, dependencies
 * (names and specs), bin names, whether there is a repository, the tarball's integrity. A packument's
 * version can weigh hundreds of kilobytes (readmes, file lists); the facts of a tree, and the cache records
 * made from them, stay small. Fresh and cached facts are both slim, so a warm run judges exactly as a cold one.
 */
export function slimManifest(manifest: VersionManifest): VersionManifest {
  const scripts = Object.fromEntries(installScriptsOf(manifest.scripts));
  const { bin } = manifest;
  return {
    ...(typeof manifest.name === 'string' ? { name: manifest.name } : {}),
    ...(typeof manifest.version === 'string' ? { version: manifest.version } : {}),
    ...(Object.keys(scripts).length ? { scripts } : {}),
    ...specsOf('dependencies', manifest.dependencies),
    ...specsOf('optionalDependencies', manifest.optionalDependencies),
    ...(typeof bin === 'string' ? { bin } : bin && typeof bin === 'object' ? { bin: Object.fromEntries(Object.keys(bin).map((key) => [key, ''])) } : {}),
    // The repository's URL, which verified provenance is compared with (true when it names none).
    ...(manifest.repository ? { repository: repositoryUrl(manifest.repository) ?? true } : {}),
    ...(manifest.gypfile === true ? { gypfile: true } : {}),
    ...slimDist(manifest.dist),
  };
}

/** The tarball's integrity, the registry's signatures over it, and where its attestations are. */
function slimDist(dist: VersionManifest['dist']): Partial<VersionManifest> {
  if (!dist || typeof dist !== 'object') return {};
  const signatures = Array.isArray(dist.signatures)
    ? dist.signatures.filter((entry) => typeof entry === 'object' && entry !== null).map(({ keyid, sig }) => ({ keyid, sig }))
    : undefined;
  const slim = {
    ...(typeof dist.integrity === 'string' ? { integrity: dist.integrity } : {}),
    ...(signatures?.length ? { signatures } : {}),
    ...(dist.attestations && typeof dist.attestations === 'object' ? { attestations: attestationsOf(dist.attestations) } : {}),
  };
  return Object.keys(slim).length ? { dist: slim } : {};
}

/** Where the registry serves the attestations (src/registry/attestations.ts verifies them). */
function attestationsOf(attestations: object): { url?: string } {
  const { url } = attestations as { url?: unknown };
  return typeof url === 'string' ? { url } : {};
}

function repositoryUrl(repository: unknown): string | undefined {
  if (typeof repository === 'string') return repository;
  const { url } = repository as { url?: unknown };
  return typeof url === 'string' ? url : undefined;
}

function specsOf(field: 'dependencies' | 'optionalDependencies', specs: VersionManifest['dependencies']): Partial<VersionManifest> {
  if (!specs || typeof specs !== 'object') return {};
  const kept = Object.entries(specs).filter((pair): pair is [string, string] => typeof pair[1] === 'string');
  return kept.length ? { [field]: Object.fromEntries(kept) } : {};
}

/** The integrity of the packument npm's cache would answer `name` with offline; undefined when not certain. */
function cachedIntegrity(client: RegistryClient, name: string): string | undefined {
  const cached = client.cachedPackument(name);
  return cached.kind === 'hit' ? cached.integrity : undefined;
}

/** The range or tag a name to vet was given with (`*` when none). */
function specOf(node: PackageNode): string {
  return node.edgesIn[0]?.spec.replace(/^npm:[^@]+@?/i, '') || '*';
}

/** For names not installed yet (`vet`): the version npm would pick for the declared spec. */
function chooseVersion(node: PackageNode, packument: Packument, versions: string[]): string | undefined {
  const spec = specOf(node);
  const tag = packument['dist-tags']?.[spec === '*' || spec === '' ? 'latest' : spec];
  if (tag) return tag;
  const latest = packument['dist-tags']?.latest;
  if (latest && semver.satisfies(latest, spec)) return latest;
  return semver.maxSatisfying(versions, spec) ?? undefined;
}

function dateOf(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * Judges the install scripts; when they run package files, extracts the tarball into a temporary folder (pacote
 * runs nothing), lets the analysis read the files it follows, and removes the folder.
 */
async function analyzeScripts(
  name: string,
  version: string,
  manifest: VersionManifest,
  client: RegistryClient,
): Promise<{ analysis: ScriptAnalysis | undefined; fault: string | undefined }> {
  const scripts = installScriptsOf(manifest.scripts);
  if (scripts.length === 0) return { analysis: undefined, fault: undefined };
  const scriptsOnly = analyzeInstallScripts(scripts, () => undefined);
  if (scriptsOnly.unread.length === 0) return { analysis: scriptsOnly, fault: undefined };
  const dir = mkdtempSync(join(tmpdir(), 'depwarden-tarball-'));
  try {
    const { default: pacote } = await import('pacote');
    await client.limited(() =>
      extractBoundedTarball(
        pacote.tarball.stream as never,
        pacoteTar().x as never,
        `${name}@${version}`,
        dir,
        { ...client.fetchOptions, integrity: manifest.dist?.integrity },
        client.tarballBounds,
      ),
    );
    return { analysis: analyzeInstallScripts(scripts, (file) => readPackageFile(dir, file)), fault: undefined };
  } catch (error) {
    const why = error instanceof BoundedFetchError ? error.message : ((error as NodeJS.ErrnoException).code ?? (error as Error).message);
    return { analysis: scriptsOnly, fault: `the tarball could not be read (${why})` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A regular file inside `dir`, cut at MAX_SCRIPT_FILE; undefined when absent or outside. */
function readPackageFile(dir: string, file: string): PackageFile | undefined {
  const path = join(dir, normalize(file));
  if (!path.startsWith(`${dir}${sep}`)) return undefined;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return undefined;
    const buffer = Buffer.alloc(Math.min(stat.size, MAX_SCRIPT_FILE));
    const fd = openSync(path, 'r');
    try {
      readSync(fd, buffer, 0, buffer.length, 0);
    } finally {
      closeSync(fd);
    }
    return { text: buffer.toString('utf8'), bytes: stat.size, truncated: stat.size > buffer.length };
  } catch {
    return undefined;
  }
}
