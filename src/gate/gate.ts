import { analyze, type Analysis, type AnalyzeOptions } from '../analysis/analyze.js';
import { loadPolicy } from '../config/load.js';
import type { Policy } from '../config/policy.js';
import { InputError } from '../errors.js';
import { buildIdealTree, idealTreeOptions } from '../registry/ideal-tree.js';
import { loadNpmSettings } from '../registry/npm-config.js';
import { RULE_IDS } from '../rules/index.js';
import { allows } from '../rules/run.js';
import { isFetchedPackage } from '../tree/queries.js';
import { installScriptsOf } from '../npm/scripts.js';
import { loadProject } from '../tree/load.js';
import { syncMessage } from '../tree/sync.js';
import type { DependencyTree, PackageNode } from '../tree/model.js';
import { refuseInvalidNames, treeFromNames } from '../tree/names.js';

export interface GateVerdict {
  readonly analysis: Analysis;
  /** What was judged: the names asked for (refused before building a tree), or the whole tree. */
  readonly stage: 'names' | 'tree';
  readonly policy: Policy;
  /** ci: the lockfile's text as read, so that a report can point at each entry's line. */
  readonly lockfileText?: string | undefined;
}

/** The names asked for, judged before any tree is built: the verdict when one fails, else undefined. */
export async function refuseAskedNames(specs: readonly string[], policy: Policy, options: AnalyzeOptions): Promise<GateVerdict | undefined> {
  if (specs.length === 0) return undefined;
  refuseInvalidNames(specs);
  const names = treeFromNames(
    specs.map((text) => ({ text })),
    { sourceFile: '(arguments)', projectDir: options.files.dir },
  );
  const asked = await analyze(names, policy, options);
  return asked.failing.length > 0 ? { analysis: asked, stage: 'names', policy } : undefined;
}

/**
 * `depwarden install <specs>`: judge the names asked for, then the whole tree npm is about to install
 * (arborist's ideal tree, built as npm would build it, written nowhere), with every rule.
 */
export async function gateInstall(specs: readonly string[], options: AnalyzeOptions): Promise<GateVerdict> {
  const policy = loadPolicy(options.files, RULE_IDS, options.config);
  const refused = await refuseAskedNames(specs, policy, options);
  if (refused) return refused;
  const npm = await loadNpmSettings(options.files.dir, options.env, options.registry);
  let tree: DependencyTree;
  try {
    tree = await buildIdealTree(
      options.files.dir,
      idealTreeOptions(npm, { offline: options.offline || npm.flat.offline === true, timeout: options.timeout }),
      specs,
    );
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new InputError(`npm could not work out what to install (${code ?? 'error'}): ${message.split('\n')[0]}`);
  }
  return { analysis: await analyze(tree, policy, options), stage: 'tree', policy };
}

/** `depwarden ci`: judge the tree the lockfile pins, as `npm ci` will install it. */
export async function gateCi(options: AnalyzeOptions): Promise<GateVerdict> {
  const policy = loadPolicy(options.files, RULE_IDS, options.config);
  const project = await loadProject(options.files, { nodeModules: false });
  // npm ci refuses a lockfile that does not satisfy package.json as a usage error, before it fetches anything;
  // so does the gate, with npm's verdict and the same one line as `check`'s finding, instead of a finding the
  // policy could lower or turn off only for npm ci to fail after all.
  const unsatisfied = project.tree.outOfSync?.[0];
  if (unsatisfied) throw new InputError(syncMessage(unsatisfied), project.tree.sourceFile);
  return { analysis: await analyze(project.tree, policy, options), stage: 'tree', policy, lockfileText: project.lockfileText };
}

/** Installed packages with install scripts, split by whether the policy allows them to run. */
export function scriptPackages(installed: DependencyTree | Iterable<PackageNode>, policy: Policy): { allowed: PackageNode[]; skipped: PackageNode[] } {
  const allowed: PackageNode[] = [];
  const skipped: PackageNode[] = [];
  for (const node of 'nodes' in installed ? installed.nodes.values() : installed) {
    if (!isFetchedPackage(node) || installScriptsOf(node.scripts).length === 0) continue;
    (policy.allow.some((entry) => allows(entry, 'install-script', node)) ? allowed : skipped).push(node);
  }
  return { allowed, skipped };
}
