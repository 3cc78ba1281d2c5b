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
  for (const event of ROOT_LIFECYCLE) {
    // --ignore-scripts: `npm run install` would also run preinstall and postinstall (its pre- and post-scripts), each
    // of which has its own turn here; npm still runs the script named (npm help run-script).
    const ran = await npm(['run', event, '--if-present', '--ignore-scripts'], dir);
    if (ran !== 0) return ran;
  }
  return 0;
}

/** The project's own scripts that `npm install` and `npm ci` run, in npm's order (npm help scripts), each once. */
export const ROOT_LIFECYCLE = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'] as const;
