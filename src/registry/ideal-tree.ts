import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { npa } from '../cjs.js';
import { fromArborist, newArborist } from '../tree/arborist.js';
import type { DependencyTree } from '../tree/model.js';
import { DEFAULT_CLIENT, registryFetchOptions } from './client.js';
import type { NpmSettings } from './npm-config.js';

/**
 * Arborist's options for an ideal tree: npm's configuration with `--timeout` and depwarden's retries, which arborist
 * hands to pacote and npm-registry-fetch for every manifest (without them npm's own five minutes and 10 s to 60 s
 * back-off held `install` against a registry that never answers for minutes). The timeout bounds the wait for an
 * answer and every pause in it, not the whole request: a total deadline needs a signal per request, and arborist
 * hands one options object to all of its requests (one signal would bound the whole tree, however large).
 */
export function idealTreeOptions(npm: NpmSettings, options: { offline: boolean; timeout: number | undefined }): Record<string, unknown> {
  return registryFetchOptions({ npm, offline: options.offline, timeout: options.timeout ?? DEFAULT_CLIENT.timeout, retries: DEFAULT_CLIENT.retries });
}

/**
 * The tree npm is about to install, built by arborist exactly as `npm install <specs>` would build it (the
 * user's npm configuration, the existing lockfile and node_modules), without writing anything. It asks the
 * registry for manifests, so it lives here with the other network calls.
 */
export async function buildIdealTree(projectDir: string, npmOptions: Record<string, unknown>, add: readonly string[]): Promise<DependencyTree> {
  const arborist = await newArborist({ ...npmOptions, path: projectDir });
  const tree = await arborist.buildIdealTree({ add: [...add] });
  return fromArborist(tree, { format: 'npm-lockfile-v3', sourceFile: 'package.json', projectDir }, false);
}

/** A package `npm exec` would fetch, as the ideal tree resolved it. */
export interface ResolvedLaunch {
  /** The spec as asked (`some-mcp@latest`). */
  readonly spec: string;
  readonly location: string;
  readonly name: string;
  readonly version: string | undefined;
  /** What npm fetched it from: a registry tarball, a git URL with its commit, a tarball URL. */
  readonly resolved: string | undefined;
  /** Whether it came from a registry by name (then `name@version` is its pin). */
  readonly fromRegistry: boolean;
  /** Its executables, as its manifest declares them. */
  readonly bin: Readonly<Record<string, string>>;
}

interface LaunchNode {
  location: string;
  packageName: string | null;
  version: string;
  resolved: string | null;
  package: { bin?: unknown; name?: string };
}

const EXEC_ROOT_NAME = 'depwarden-exec';

/** The checked tree as npm can install it again, exactly: `npm ci` of this package.json and lockfile. */
export interface ExecLockfile {
  /** The root's package.json: the specs asked for, as arborist saved them. */
  readonly manifest: string;
  /** package-lock.json of the ideal tree: every `resolved` and `integrity` that was checked. */
  readonly lockfile: string;
}

/**
 * The tree `npm exec --package=<spec>…` installs into its npx cache: arborist's ideal tree of an empty project with
 * the specs added, as libnpmexec builds it (the user's npm configuration), in a temporary folder removed afterwards.
 * Nothing is installed, nothing runs. The tree comes back with its lockfile, so that what runs is what was checked.
 */
export async function buildExecTree(
  specs: readonly string[],
  npmOptions: Record<string, unknown>,
): Promise<{ tree: DependencyTree; launches: ResolvedLaunch[]; lockfile: ExecLockfile }> {
  const folder = mkdtempSync(join(tmpdir(), 'depwarden-exec-'));
  try {
    const arborist = await newArborist({ ...npmOptions, path: folder, global: false, workspacesEnabled: false });
    const ideal = (await arborist.buildIdealTree({ add: [...specs] })) as unknown as Parameters<typeof fromArborist>[0] & {
      edgesOut: Map<string, { to: LaunchNode | null }>;
      meta: { toString(): string };
    };
    const tree = fromArborist(ideal, { format: 'npm-lockfile-v3', sourceFile: '(npm exec)', projectDir: folder }, false);
    const launches = specs.map((spec): ResolvedLaunch => {
      const parsed = npa(spec, folder);
      // The root's dependency on what was added: by name when the spec has one, else (a URL, a git spec) the one edge left.
      const edge = parsed.name ? ideal.edgesOut.get(parsed.name) : [...ideal.edgesOut.values()].find((candidate) => candidate.to);
      const node = edge?.to;
      if (!node) throw new Error(`npm resolved nothing for ${spec}`);
      return {
        spec,
        location: node.location,
        name: node.packageName ?? parsed.name ?? spec,
        version: node.version || undefined,
        resolved: node.resolved ?? undefined,
        fromRegistry: parsed.registry === true,
        bin: binsOf(node.package as { bin?: unknown; name?: string }),
      };
    });
    // Arborist's own lockfile writer (what `npm install` saves), so `npm ci` reads back the very same tree. The
    // root is named after the random temporary folder: a fixed name makes the same tree the same text.
    const written = JSON.parse(ideal.meta.toString()) as Record<string, unknown>;
    const lockfile = {
      manifest: `${JSON.stringify({ name: EXEC_ROOT_NAME, ...ideal.package }, null, 2)}\n`,
      lockfile: `${JSON.stringify({ ...written, name: EXEC_ROOT_NAME }, null, 2)}\n`,
    };
    return { tree, launches, lockfile };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function binsOf(manifest: { bin?: unknown; name?: string }): Record<string, string> {
  const { bin } = manifest;
  if (typeof bin === 'string') return { [(manifest.name ?? '').replace(/^@[^/]+\//, '')]: bin };
  if (typeof bin !== 'object' || bin === null) return {};
  return Object.fromEntries(Object.entries(bin).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}
