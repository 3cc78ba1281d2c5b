import { loadPolicy } from './config/load.js';
import type { Policy } from './config/policy.js';
import { loadNameIndex } from './popularity/load.js';
import { loadNpmSettings } from './registry/npm-config.js';
import { RULES, RULE_IDS } from './rules/index.js';
import { failingFindings, runRules, type Finding, type RunResult } from './rules/run.js';
import type { Rule, Severity } from './rules/types.js';
import type { FileSource } from './tree/files.js';
import { loadProject, type LoadedProject } from './tree/load.js';

export interface CheckOptions {
  readonly files: FileSource;
  readonly nodeModules: boolean;
  readonly env: NodeJS.ProcessEnv;
  /** Overrides npm's configured registry. */
  readonly registry?: string | undefined;
  /** Overrides the policy's failing severity. */
  readonly failOn?: Severity | undefined;
  /** `--config FILE`: the policy file to use instead of the project's own. */
  readonly config?: { files: FileSource; path: string } | undefined;
}

export interface CheckResult {
  readonly project: LoadedProject;
  readonly policy: Policy;
  readonly rules: readonly Rule[];
  readonly result: RunResult;
  readonly failOn: Severity;
  readonly failing: readonly Finding[];
}

/** `depwarden check`: load the tree, read npm's registry settings and the policy, run every rule. */
export async function check(options: CheckOptions): Promise<CheckResult> {
  const policy = loadPolicy(options.files, RULE_IDS, options.config);
  const project = await loadProject(options.files, { nodeModules: options.nodeModules });
  const npm = await loadNpmSettings(options.files.dir, options.env, options.registry);
  const names = loadNameIndex();
  const result = runRules(RULES, { tree: project.tree, registries: { ...npm, allowedHosts: policy.allowedHosts }, names }, policy);
  const failOn = options.failOn ?? policy.failOn;
  return { project, policy, rules: RULES, result, failOn, failing: failingFindings(result.findings, failOn) };
}
