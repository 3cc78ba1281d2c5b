import { loadPolicy } from './config/load.js';
import type { Policy } from './config/policy.js';
import { loadNameIndex } from './popularity/load.js';
import { loadNpmSettings } from './registry/npm-config.js';
import { RULES, RULE_IDS } from './rules/index.js';
import { failingFindings, runRules, type Finding, type RunResult } from './rules/run.js';
import type { Rule, Severity } from './rules/types.js';
import type { FileSource } from './tree/files.js';
import { loadProject, type LoadedProject } from './tree/load.js';
import type { DependencyTree } from './tree/model.js';
import { treeFromNames, type NameArgument } from './tree/names.js';

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

async function analyze(tree: DependencyTree, policy: Policy, options: AnalyzeOptions): Promise<Analysis> {
  const npm = await loadNpmSettings(options.files.dir, options.env, options.registry);
  const context = { tree, registries: { ...npm, allowedHosts: policy.allowedHosts }, names: loadNameIndex() };
  const result = runRules(RULES, context, policy);
  const failOn = options.failOn ?? policy.failOn;
  return { tree, policy, rules: RULES, result, failOn, failing: failingFindings(result.findings, failOn) };
}
