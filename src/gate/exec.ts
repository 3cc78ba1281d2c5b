import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { analyze, type Analysis, type AnalyzeOptions } from '../analysis/analyze.js';
import { loadPolicy } from '../config/load.js';
import type { Policy } from '../config/policy.js';
import { InputError } from '../errors.js';
import type { ExecFolderStore } from '../registry/exec-folders.js';
import { buildExecTree, idealTreeOptions, type ExecLockfile, type ResolvedLaunch } from '../registry/ideal-tree.js';
import { loadNpmSettings } from '../registry/npm-config.js';
import { RULE_IDS } from '../rules/index.js';
import { allows } from '../rules/run.js';
import type { LaunchEvidence } from '../rules/types.js';
import type { Launch } from '../npm/launch.js';
import { installScriptsOf } from '../npm/scripts.js';
import type { NpmRunner } from './install.js';
import type { DependencyTree, PackageNode } from '../tree/model.js';
import { isFetchedPackage } from '../tree/queries.js';
import { refuseInvalidNames, treeFromNames } from '../tree/names.js';

export interface ExecVerdict {
  readonly analysis: Analysis;
  /** What was judged: the names asked for (refused before building a tree), or the whole tree. */
  readonly stage: 'names' | 'tree';
  readonly policy: Policy;
  /** Each package asked for, as npm resolved it (empty when refused at the names stage). */
  readonly launches: readonly ResolvedLaunch[];
  /** The checked tree as a lockfile, to install exactly it (stage 'tree' only). */
  readonly lockfile?: ExecLockfile;
  /** Where checked trees are installed to run: beside npm's own npx cache (`<npm cache>/_depwarden-exec`). */
  readonly installRoot?: string;
  /** The project's `.npmrc`, which `npm exec` in the project would read (a private registry's auth, often). */
  readonly projectConfig?: string;
}

/**
 * `depwarden exec`/`npx` and each server of `depwarden mcp`: judge the names asked for, then the whole tree
 * `npm exec` would fetch into its npx cache, with every rule. `where` (a config file and key) asks the
 * unpinned-exec rule to judge the specs too: a config starts them again and again, a command line runs once.
 */
export async function gateExec(specs: readonly string[], options: AnalyzeOptions, where?: string): Promise<ExecVerdict> {
  const policy = loadPolicy(options.files, RULE_IDS, options.config);
  refuseInvalidNames(specs);
  const names = treeFromNames(
    specs.map((text) => ({ text })),
    { sourceFile: '(arguments)', projectDir: options.files.dir },
  );
  const asked = await analyze(names, policy, options);
  if (asked.failing.length > 0) return { analysis: asked, stage: 'names', policy, launches: [] };

  const npm = await loadNpmSettings(options.npmDir ?? options.files.dir, options.env, options.registry);
  let built: { tree: DependencyTree; launches: ResolvedLaunch[]; lockfile: ExecLockfile };
  try {
    built = await buildExecTree(specs, idealTreeOptions(npm, { offline: options.offline || npm.flat.offline === true, timeout: options.timeout }));
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new InputError(`npm could not work out what ${specs.join(' ')} would fetch (${code ?? 'error'}): ${message.split('\n')[0]}`);
  }
  const launches =
    where === undefined ? undefined : new Map<string, LaunchEvidence>(built.launches.map((launch) => [launch.location, { spec: launch.spec, where }]));
  const analysis = await analyze(built.tree, policy, { ...options, launches });
  // npm's flat `cache` option is its content cache, `<cache>/_cacache`; the npx cache `_npx` sits beside it.
  const installRoot = join(dirname(String(npm.flat.cache)), '_depwarden-exec');
  return { analysis, stage: 'tree', policy, launches: built.launches, lockfile: built.lockfile, installRoot, projectConfig: npm.projectConfig };
}

/**
 * The packages of the checked tree with install scripts, split by whether the policy allows them to run. The ideal
 * tree knows scripts from the registry's `hasInstallScript` (its manifests carry no `scripts`), so both are read.
 */
export function execScripts(tree: DependencyTree, policy: Policy): { allowed: PackageNode[]; blocked: PackageNode[] } {
  const allowed: PackageNode[] = [];
  const blocked: PackageNode[] = [];
  for (const node of tree.nodes.values()) {
    if (!isFetchedPackage(node) || (!node.hasInstallScript && installScriptsOf(node.scripts).length === 0)) continue;
    (policy.allow.some((entry) => allows(entry, 'install-script', node)) ? allowed : blocked).push(node);
  }
  return { allowed, blocked };
}

/**
 * The executable `npm exec <spec>` runs: the one bin, or the bin named as the package without its scope
 * (libnpmexec's getBinFromManifest). Undefined when npm could not decide either.
 */
export function binToRun(launch: ResolvedLaunch): string | undefined {
  const names = Object.keys(launch.bin);
  if (new Set(Object.values(launch.bin)).size === 1) return names[0];
  const unscoped = launch.name.replace(/^@[^/]+\//, '');
  return Object.hasOwn(launch.bin, unscoped) ? unscoped : undefined;
}

/** What `npm exec --package=` gets: exactly the version checked (registry), or what npm resolved (git commit, URL). */
export function pinnedSpec(launch: ResolvedLaunch): string {
  if (launch.fromRegistry && launch.version) return `${launch.name}@${launch.version}`;
  return launch.resolved ?? launch.spec;
}

/** What runs once the tree is installed: an executable of the checked tree with the user's arguments, or `-c`'s shell line. */
export type ExecCommand =
  | { readonly kind: 'bin'; readonly name: string; readonly args: readonly string[] }
  /** `-c "<line>"`: npm exec runs the line alone, the arguments after it are not passed. */
  | { readonly kind: 'call'; readonly line: string };

/** The command `npm exec` would run for this launch, read the way libnpmexec reads it; an input error when it cannot tell. */
export function execCommand(launch: Launch, resolved: readonly ResolvedLaunch[]): ExecCommand {
  if (launch.call !== undefined) return { kind: 'call', line: launch.call };
  const first = resolved[0]!;
  const name = launch.command ?? binToRun(first);
  if (name === undefined) {
    throw new InputError(
      `${first.name}@${first.version ?? '?'} has ${Object.keys(first.bin).length === 0 ? 'no executable' : 'several executables and none named after it'}: name the one to run with -p <package> <command>`,
    );
  }
  return { kind: 'bin', name, args: launch.commandArgs };
}

/**
 * Folders that hold installed trees, by key: the disk, passed in (src/registry/exec-folders.ts). `find` gives the
 * finished folder of a key, `create` a new private one with files in it, `keep` makes a finished folder the one of
 * its key (or returns another run's that finished first), `removeFile` one file of a folder, `discard` removes one.
 */
export type ExecFolders = ExecFolderStore;

export interface ExecInstall {
  readonly lockfile: ExecLockfile;
  /** Packages whose install scripts the policy allows (run after the install), from execScripts. */
  readonly allowed: readonly PackageNode[];
  /** npm options that must apply to the install as to the check (`--registry`, `--offline`). */
  readonly npmOptions: readonly string[];
  /**
   * The text of the project's `.npmrc`: the install folder gets it while npm fetches, as `npm exec` run in the project
   * would read it, and loses it before the folder is kept (it may hold tokens).
   */
  readonly projectConfig?: string;
  readonly folders: ExecFolders;
  readonly npm: NpmRunner;
}

/**
 * Installs exactly the checked tree, once: `npm ci --ignore-scripts` of its lockfile (every `resolved` and
 * `integrity` that was judged, nothing resolved again) in a private folder, then the install scripts the policy
 * allows (`npm rebuild`, as the install gate runs them). The folder is kept under a hash of the lockfile and the
 * allowed scripts, so the next start of the same tree reuses it and a changed tree never does (npx's cache is keyed
 * by the specs asked for, and reuses a folder whose dependencies may no longer be the ones resolved).
 * Returns the folder, or npm's exit code when a step failed.
 */
export async function installChecked(plan: ExecInstall): Promise<{ folder: string; reused: boolean } | { failed: number }> {
  const allowedSpecs = [...new Set(plan.allowed.map((node) => `${node.name}@${node.version}`))].sort();
  const key = createHash('sha256')
    .update(plan.lockfile.manifest)
    .update('\0')
    .update(plan.lockfile.lockfile)
    .update('\0')
    .update(allowedSpecs.join('\n'))
    .digest('hex');
  const short = key.slice(0, 32);
  const found = plan.folders.find(short);
  if (found !== undefined) return { folder: found, reused: true };
  const folder = plan.folders.create({
    'package.json': plan.lockfile.manifest,
    'package-lock.json': plan.lockfile.lockfile,
    ...(plan.projectConfig === undefined ? {} : { '.npmrc': plan.projectConfig }),
  });
  try {
    // --package-lock: a user config of package-lock=false must not make npm ci refuse or ignore the lockfile.
    const installed = await plan.npm(['ci', '--ignore-scripts', '--package-lock=true', '--no-audit', '--no-fund', ...plan.npmOptions], folder);
    if (installed !== 0) return { failed: installed };
    if (allowedSpecs.length > 0) {
      const rebuilt = await plan.npm(['rebuild', ...allowedSpecs, '--ignore-scripts=false', ...plan.npmOptions], folder);
      if (rebuilt !== 0) return { failed: rebuilt };
    }
    if (plan.projectConfig !== undefined) plan.folders.removeFile(folder, '.npmrc');
    const kept = plan.folders.keep(short, folder);
    return { folder: kept, reused: false };
  } finally {
    plan.folders.discard(folder);
  }
}
