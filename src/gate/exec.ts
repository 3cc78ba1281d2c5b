import { analyze, type Analysis, type AnalyzeOptions } from '../analysis/analyze.js';
import { loadPolicy } from '../config/load.js';
import type { Policy } from '../config/policy.js';
import { InputError } from '../errors.js';
import { buildExecTree, type ResolvedLaunch } from '../registry/ideal-tree.js';
import { loadNpmSettings } from '../registry/npm-config.js';
import { RULE_IDS } from '../rules/index.js';
import { allows } from '../rules/run.js';
import type { LaunchEvidence } from '../rules/types.js';
import { installScriptsOf } from '../npm/scripts.js';
import type { DependencyTree, PackageNode } from '../tree/model.js';
import { isFetchedPackage } from '../tree/queries.js';
import { treeFromNames } from '../tree/names.js';

export interface ExecVerdict {
  readonly analysis: Analysis;
  /** What was judged: the names asked for (refused before building a tree), or the whole tree. */
  readonly stage: 'names' | 'tree';
  readonly policy: Policy;
  /** Each package asked for, as npm resolved it (empty when refused at the names stage). */
  readonly launches: readonly ResolvedLaunch[];
}

/**
 * `depwarden exec`/`npx` and each server of `depwarden mcp`: judge the names asked for, then the whole tree
 * `npm exec` would fetch into its npx cache, with every rule. `where` (a config file and key) asks the
 * unpinned-exec rule to judge the specs too: a config starts them again and again, a command line runs once.
 */
export async function gateExec(specs: readonly string[], options: AnalyzeOptions, where?: string): Promise<ExecVerdict> {
  const policy = loadPolicy(options.files, RULE_IDS, options.config);
  const names = treeFromNames(
    specs.map((text) => ({ text })),
    { sourceFile: '(arguments)', projectDir: options.files.dir },
  );
  const asked = await analyze(names, policy, options);
  if (asked.failing.length > 0) return { analysis: asked, stage: 'names', policy, launches: [] };

  const npm = await loadNpmSettings(options.files.dir, options.env, options.registry);
  let built: { tree: DependencyTree; launches: ResolvedLaunch[] };
  try {
    built = await buildExecTree(specs, { ...npm.flat, registry: npm.registry, offline: options.offline || npm.flat.offline });
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new InputError(`npm could not work out what ${specs.join(' ')} would fetch (${code ?? 'error'}): ${message.split('\n')[0]}`);
  }
  const launches =
    where === undefined ? undefined : new Map<string, LaunchEvidence>(built.launches.map((launch) => [launch.location, { spec: launch.spec, where }]));
  const analysis = await analyze(built.tree, policy, { ...options, launches });
  return { analysis, stage: 'tree', policy, launches: built.launches };
}

/**
 * `npm exec` runs the install scripts of everything it fetches, or (with --ignore-scripts) none: there is no
 * per-package choice. So scripts run only when the policy allows every package of the tree that has them.
 */
export function execScripts(tree: DependencyTree, policy: Policy): { run: boolean; blocked: PackageNode[] } {
  const blocked: PackageNode[] = [];
  let any = false;
  for (const node of tree.nodes.values()) {
    if (!isFetchedPackage(node) || (!node.hasInstallScript && installScriptsOf(node.scripts).length === 0)) continue;
    any = true;
    if (!policy.allow.some((entry) => allows(entry, 'install-script', node))) blocked.push(node);
  }
  return { run: any && blocked.length === 0, blocked };
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
