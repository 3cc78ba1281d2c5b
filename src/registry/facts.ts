import { semver } from '../cjs.js';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import type { Packument, VersionManifest } from '../npm/manifest.js';
import type { RegistryClient } from './client.js';
import type { FactsCache } from './facts-cache.js';
import { isFetchedPackage } from '../tree/queries.js';
import { installScriptsOf, scriptFiles } from '../npm/scripts.js';
import { classifyResolved, classifySpec } from '../npm/specs.js';
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
  /** Files of the package that its install scripts run, read from the tarball (never executed). */
  readonly files: ReadonlyMap<string, string>;
  /** Why script files could not be read, when they could not. */
  readonly filesFault: string | undefined;
}

export type FactsEntry =
  | { readonly ok: true; readonly facts: PackageFacts }
  | { readonly ok: false; readonly notFound: boolean; readonly cause: string; readonly offline: boolean };

export interface RegistryFacts {
  readonly byLocation: ReadonlyMap<string, FactsEntry>;
  /** Packages asked about, and how many answered. */
  readonly asked: number;
  readonly offline: boolean;
}

const MAX_SCRIPT_FILE = 512 * 1024;

/**
 * Asks the registry about every registry package in the tree (each name once), and reads from the tarball
 * the files that install scripts run. The only place where the tree meets the network.
 */
export async function gatherFacts(
  tree: DependencyTree,
  client: RegistryClient,
  options: { offline: boolean; onProgress?: ((done: number, total: number) => void) | undefined; cache?: FactsCache | undefined },
): Promise<RegistryFacts> {
  const nodes = [...tree.nodes.values()].filter((node) => registryName(tree, node) !== undefined);
  const byLocation = new Map<string, FactsEntry>();
  let done = 0;
  await Promise.all(
    nodes.map(async (node) => {
      const name = registryName(tree, node)!;
      const registry = client.registryFor(name);
      const cached = node.version === undefined ? undefined : options.cache?.get(registry, name, node.version);
      // The lockfile's integrity must be the one the facts were derived from; else ask again.
      const known = cached && (node.integrity === undefined || cached.manifest.dist?.integrity === undefined || cached.manifest.dist.integrity === node.integrity);
      if (cached && known) {
        byLocation.set(node.location, { ok: true, facts: cached });
      } else {
        const answer = await client.packument(name, node.version);
        const entry: FactsEntry = answer.ok ? await factsFor(node, answer.packument, client) : { ...answer, offline: options.offline };
        if (entry.ok && !entry.facts.filesFault) options.cache?.set(registry, name, entry.facts);
        byLocation.set(node.location, entry);
      }
      options.onProgress?.(++done, nodes.length);
    }),
  );
  options.cache?.save();
  return { byLocation, asked: nodes.length, offline: options.offline };
}

/** The name the registry knows a node by, for packages that come from a registry; undefined otherwise. */
export function registryName(tree: DependencyTree, node: PackageNode): string | undefined {
  const fetched = tree.format === 'names' ? !node.isRoot : isFetchedPackage(node);
  if (!fetched) return undefined;
  if (node.resolved !== undefined && classifyResolved(node.resolved) !== 'tarball-url') return undefined;
  const fromRegistry = node.edgesIn.every((edge) => classifySpec(edge.name, edge.spec).type === 'registry');
  return fromRegistry ? node.name : undefined;
}

async function factsFor(node: PackageNode, packument: Packument, client: RegistryClient): Promise<FactsEntry> {
  const versions = Object.keys(packument.versions ?? {}).filter((version) => semver.valid(version));
  const version = node.version ?? chooseVersion(node, packument, versions);
  const manifest = version === undefined ? undefined : packument.versions?.[version];
  if (version === undefined || !manifest) {
    return { ok: false, notFound: false, offline: false, cause: `the registry does not list version ${version ?? 'matching the spec'}` };
  }
  const sorted = versions.sort(semver.compare);
  const before = sorted[sorted.indexOf(version) - 1];
  const times = versions.map((v) => dateOf(packument.time?.[v])).filter((date): date is Date => date !== undefined);
  const { files, fault } = await readScriptFiles(node.name, version, manifest, client);
  return {
    ok: true,
    facts: {
      version,
      manifest,
      previous: before === undefined ? undefined : { version: before, manifest: packument.versions![before]! },
      published: dateOf(packument.time?.[version]),
      firstPublished: times.length ? new Date(Math.min(...times.map((date) => date.getTime()))) : undefined,
      files,
      filesFault: fault,
    },
  };
}

/** For names not installed yet (`vet`): the version npm would pick for the declared spec. */
function chooseVersion(node: PackageNode, packument: Packument, versions: string[]): string | undefined {
  const spec = node.edgesIn[0]?.spec.replace(/^npm:[^@]+@?/i, '') || '*';
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

/** Extracts the tarball into a temporary folder (pacote runs nothing), reads the files scripts name, removes it. */
async function readScriptFiles(
  name: string,
  version: string,
  manifest: VersionManifest,
  client: RegistryClient,
): Promise<{ files: Map<string, string>; fault: string | undefined }> {
  const files = new Map<string, string>();
  const wanted = installScriptsOf(manifest.scripts).flatMap(([, script]) => scriptFiles(script));
  if (wanted.length === 0) return { files, fault: undefined };
  const dir = mkdtempSync(join(tmpdir(), 'depwarden-tarball-'));
  try {
    const { default: pacote } = await import('pacote');
    await client.limited(() =>
      pacote.extract(`${name}@${version}`, dir, { ...client.fetchOptions, integrity: manifest.dist?.integrity } as never),
    );
    for (const file of wanted) {
      const path = join(dir, normalize(file));
      if (!path.startsWith(dir)) continue;
      try {
        if (statSync(path).size <= MAX_SCRIPT_FILE) files.set(file, readFileSync(path, 'utf8'));
      } catch {
        // A script that names a missing file fails at install; the rule reports the script text alone.
      }
    }
    return { files, fault: undefined };
  } catch (error) {
    return { files, fault: `the tarball could not be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
