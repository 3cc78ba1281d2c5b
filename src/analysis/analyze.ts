import { loadPolicy } from '../config/load.js';
import type { Policy } from '../config/policy.js';
import { loadNameIndex } from '../popularity/load.js';
import { DEFAULT_CLIENT, RegistryClient } from '../registry/client.js';
import { gatherFacts } from '../registry/facts.js';
import { FactsCache } from '../registry/facts-cache.js';
import { loadNpmSettings } from '../registry/npm-config.js';
import { RULES, RULE_IDS } from '../rules/index.js';
import { failingFindings, type Finding, type RunResult } from '../findings/model.js';
import { runRules } from '../rules/run.js';
import type { ImportEvidence, LaunchEvidence, Rule } from '../rules/types.js';
import type { Severity } from '../findings/model.js';
import type { FileSource } from '../tree/files.js';
import { loadProject, type LoadedProject } from '../tree/load.js';
import type { DependencyTree } from '../tree/model.js';
import { treeFromNames, type NameArgument } from '../tree/names.js';

export interface AnalyzeOptions {
  /** The project folder: its policy and its npm configuration apply. */
  readonly files: FileSource;
  readonly env: NodeJS.ProcessEnv;
  /** Overrides npm's configured registry. */
  readonly registry?: string | undefined;
  /** Overrides the policy's failing severity. */
  readonly failOn?: Severity | undefined;
  /** `--config FILE`: the policy file to use instead of the project's own. */
  readonly config?: { files: FileSource; path: string } | undefined;
  /** Registry facts from npm's cache only: no network. */
  readonly offline: boolean;
  readonly timeout?: number | undefined;
  readonly concurrency?: number | undefined;
  /** Called as registry answers arrive. */
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
  /** The time publish ages are judged at (tests fix it). */
  readonly now?: Date | undefined;
  /** `review`: where changed code imports the packages of the tree. */
  readonly imports?: ReadonlyMap<string, ImportEvidence> | undefined;
  /** `mcp`: the packages a config starts without an install, with the spec it starts them by. */
  readonly launches?: ReadonlyMap<string, LaunchEvidence> | undefined;
}

/** How the registry checks went, for the report's summary. */
export interface RegistrySummary {
  readonly asked: number;
  readonly answered: number;
  /** Packages npm's cache did not hold under --offline: not checked, not findings. */
  readonly notCached: number;
  readonly offline: boolean;
}

export interface CheckOptions extends AnalyzeOptions {
  readonly nodeModules: boolean;
}

export interface Analysis {
  readonly tree: DependencyTree;
  readonly policy: Policy;
  readonly rules: readonly Rule[];
  readonly result: RunResult;
  readonly failOn: Severity;
  readonly failing: readonly Finding[];
  readonly registry: RegistrySummary;
}

export interface CheckResult extends Analysis {
  readonly project: LoadedProject;
}

/** `depwarden check`: load the project's tree and run every rule on it. */
export async function check(options: CheckOptions): Promise<CheckResult> {
  const policy = loadPolicy(options.files, RULE_IDS, options.config);
  const project = await loadProject(options.files, { nodeModules: options.nodeModules });
  return { ...(await analyze(project.tree, policy, options)), project };
}

/** `depwarden vet`: the same rules on names not installed yet. */
export async function vet(names: readonly NameArgument[], options: AnalyzeOptions & { sourceFile: string }): Promise<Analysis> {
  const policy = loadPolicy(options.files, RULE_IDS, options.config);
  return analyze(treeFromNames(names, { sourceFile: options.sourceFile, projectDir: options.files.dir }), policy, options);
}

/** Every rule, registry facts included, on a tree already loaded. */
export async function analyze(tree: DependencyTree, policy: Policy, options: AnalyzeOptions): Promise<Analysis> {
  const npm = await loadNpmSettings(options.files.dir, options.env, options.registry);
  // npm's own `offline` setting (.npmrc, npm_config_offline) means the same as --offline.
  const offline = options.offline || npm.flat.offline === true;
  const client = new RegistryClient({
    npm,
    offline,
    timeout: options.timeout ?? DEFAULT_CLIENT.timeout,
    concurrency: options.concurrency ?? DEFAULT_CLIENT.concurrency,
    retries: DEFAULT_CLIENT.retries,
  });
  const cache = FactsCache.forNpmCache(npm.flat.cache);
  const facts = await gatherFacts(tree, client, { offline, onProgress: options.onProgress, cache });
  const context = {
    tree,
    registries: { ...npm, allowedHosts: policy.allowedHosts },
    names: loadNameIndex(),
    facts,
    now: options.now ?? new Date(),
    thresholds: policy.thresholds,
    imports: options.imports,
    launches: options.launches,
  };
  const result = runRules(RULES, context, policy);
  const failOn = options.failOn ?? policy.failOn;
  const entries = [...facts.byLocation.values()];
  const registry = {
    asked: facts.asked,
    answered: entries.filter((entry) => entry.ok).length,
    notCached: entries.filter((entry) => !entry.ok && entry.offline).length,
    offline,
  };
  return { tree, policy, rules: RULES, result, failOn, failing: failingFindings(result.findings, failOn), registry };
}
