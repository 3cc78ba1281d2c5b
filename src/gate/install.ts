import type { Policy } from '../config/policy.js';
import { escapeName } from '../text/escape.js';
import { loadWithArborist } from '../tree/arborist.js';
import { scriptPackages } from './gate.js';

/** Runs npm with these arguments in `cwd`; resolves to 0 on success, else a non-zero exit code to pass on. */
export type NpmRunner = (args: readonly string[], cwd: string) => Promise<number>;

export interface InstallPlan {
  readonly command: 'install' | 'ci';
  /** Arguments for npm, depwarden's own removed. */
  readonly npmArgs: readonly string[];
  readonly dir: string;
  readonly policy: Policy;
  /** allowed: only allowlisted install scripts run; all: npm runs every script itself. */
  readonly scripts: 'allowed' | 'all';
  readonly npm: NpmRunner;
  /** One line for the user (stderr). */
  readonly warn: (line: string) => void;
}

/**
 * After the gate passed: npm installs with --ignore-scripts, then the install scripts of the packages the policy
 * allows run (`npm rebuild <allowed>`, in npm's order), then the project's own lifecycle scripts, which
 * ignore-scripts must never block. Returns the first non-zero code of a step, else 0.
 */
export async function installWithPolicy(plan: InstallPlan): Promise<number> {
  const { command, npmArgs, dir, npm } = plan;
  if (plan.scripts === 'all') return npm([command, ...npmArgs], dir);
  const installed = await npm([command, ...npmArgs, '--ignore-scripts'], dir);
  if (installed !== 0) return installed;

  const tree = await loadWithArborist('node_modules', { format: 'node-modules', sourceFile: 'node_modules', projectDir: dir });
  const { allowed, skipped } = scriptPackages(tree, plan.policy);
  for (const node of skipped) {
    plan.warn(`depwarden: did not run the install scripts of ${escapeName(`${node.name}@${node.version ?? '?'}`)}: the policy does not allow them`);
  }
  if (allowed.length > 0) {
    const specsToRebuild = [...new Set(allowed.map((node) => `${node.name}@${node.version}`))];
    const rebuilt = await npm(['rebuild', ...specsToRebuild, '--ignore-scripts=false'], dir);
    if (rebuilt !== 0) return rebuilt;
  }
  for (const event of ['preinstall', 'install', 'postinstall', 'prepare']) {
    const ran = await npm(['run', event, '--if-present'], dir);
    if (ran !== 0) return ran;
  }
  return 0;
}
