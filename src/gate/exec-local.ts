import { npa, semver } from '../cjs.js';
import type { Launch } from '../npm/launch.js';

/**
 * What npm exec finds installed before it fetches anything (libnpmexec's lib/index.js reads the same), passed in:
 * the disk and arborist's actual tree of the project are the caller's.
 */
export interface LocalInstall {
  /** npm's localPrefix: the project folder (a workspace's root), where npm exec loads the installed tree from. */
  readonly prefix: string;
  /** Whether the project's own package.json has an executable of this name (libnpmexec's hasPkgBin). */
  projectHasBin(name: string): boolean;
  /** The `node_modules/.bin` folder, in the project or a folder above it, that holds this file (localFileExists). */
  localBinDir(name: string): string | undefined;
  /** Whether npm's global bin folder holds this file; false when npm's global prefix is the project's. */
  globalHasBin(name: string): boolean;
  /** The versions of a package installed anywhere in the project's tree (arborist's actual tree, by package name). */
  installedVersions(name: string): Promise<readonly string[]>;
}

/**
 * Where npm exec takes what it runs: the project's own install (nothing fetched, nothing to judge here: `check`
 * and `ci` judge that tree) with why, or the registry for the specs still missing locally.
 */
export type ExecSource = { readonly kind: 'local'; readonly why: string } | { readonly kind: 'fetch'; readonly specs: readonly string[] };

/**
 * libnpmexec's decision, mirrored. A `-c` line without `--package` fetches nothing. `npx <name>` with no
 * `--package` runs, in this order, the project's own executable of that name, a `node_modules/.bin/<name>` of the
 * project or any folder above it, npm's global one; else `<name>` is a package, as with `--package`. Each package
 * asked for is taken from the installed tree when a node of that name (at any depth) has any version for a bare
 * name, the exact version asked for, or one in the range asked for; tags, aliases, folders, URLs and git are looked
 * up in the registry by npm, so they are fetched and judged as before. Only when every package is installed does
 * nothing come from the registry.
 */
export async function whereExecRuns(launch: Launch, local: LocalInstall): Promise<ExecSource> {
  if (launch.packages.length === 0) {
    return launch.call === undefined
      ? { kind: 'fetch', specs: [] }
      : { kind: 'local', why: '-c without --package runs its line with the executables installed' };
  }
  const specs = launch.packages.map((entry) => entry.spec);
  const named = launch.command === undefined && launch.call === undefined ? specs[0] : undefined;
  if (named !== undefined) {
    if (local.projectHasBin(named)) return { kind: 'local', why: `${named} is an executable of this project (${local.prefix})` };
    const binDir = local.localBinDir(named);
    if (binDir !== undefined) return { kind: 'local', why: `${named} is installed in ${binDir}` };
    if (local.globalHasBin(named)) return { kind: 'local', why: `${named} is installed globally (npm's global bin folder)` };
  }
  const missing: string[] = [];
  for (const spec of specs) if (!(await isInstalled(spec, local))) missing.push(spec);
  if (missing.length > 0) return { kind: 'fetch', specs: missing };
  return { kind: 'local', why: `${specs.join(', ')} ${specs.length === 1 ? 'is' : 'are'} installed in ${local.prefix}` };
}

/** libnpmexec's missingFromTree for the local tree, for the specs it answers without asking the registry. */
async function isInstalled(text: string, local: LocalInstall): Promise<boolean> {
  let spec: ReturnType<typeof npa>;
  try {
    spec = npa(text);
  } catch {
    return false;
  }
  if (!spec.registry || spec.name === null || (spec.type !== 'range' && spec.type !== 'version')) return false;
  const rawSpec = spec.rawSpec;
  const versions = await local.installedVersions(spec.name);
  return versions.some((version) => rawSpec === '*' || `${spec.name}@${version}` === spec.raw || semver.satisfies(version, rawSpec));
}
