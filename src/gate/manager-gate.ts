import { analyze, type AnalyzeOptions } from '../analysis/analyze.js';
import { loadPolicy } from '../config/load.js';
import type { Policy } from '../config/policy.js';
import { InputError } from '../errors.js';
import { RULE_IDS } from '../rules/index.js';
import { escapeName } from '../text/escape.js';
import { diskFiles } from '../tree/files.js';
import { loadProject } from '../tree/load.js';
import { lockfilesOf } from '../tree/other-lockfiles.js';
import type { PackageNode } from '../tree/model.js';
import { syncMessage } from '../tree/sync.js';
import type { GateVerdict } from './gate.js';
import { refuseAskedNames, scriptPackages } from './gate.js';
import {
  ROOT_EVENTS,
  installArgs,
  pnpmRebuildProblem,
  rebuildCommand,
  rootScriptArgs,
  resolveArgs,
  toolOf,
  type GateCommand,
  type Manager,
  type ManagerTool,
} from './managers.js';

type OtherManager = Exclude<Manager, 'npm'>;

/** Runs a package manager (or npm) with these arguments in `cwd`; resolves to 0, or a non-zero code to pass on. */
export type ToolRunner = (tool: ManagerTool, args: readonly string[], cwd: string, env?: Readonly<Record<string, string>>) => Promise<number>;

/** What the gate needs of the disk, passed in (src/cli/project-copy.ts): the gate itself touches nothing. */
export interface ManagerHost {
  readonly run: ToolRunner;
  /** A temporary copy of the files that decide what `manager` resolves (manifests, lockfile, config); its path. */
  copyProject(dir: string, manager: OtherManager): Promise<string>;
  remove(dir: string): void;
  /** What `<tool> --version` prints in `dir` (a project may pin its manager's version), or undefined if it failed. */
  toolVersion(tool: ManagerTool, dir: string): Promise<string | undefined>;
  /** The packages installed under `dir`'s node_modules, with their declared scripts. */
  installedPackages(dir: string): PackageNode[];
  /** The root package.json's scripts. */
  projectScripts(dir: string): Readonly<Record<string, unknown>>;
  warn(line: string): void;
}

/**
 * `depwarden install` in a pnpm, yarn or bun project: judge the names asked for, then let the manager itself
 * write the lockfile of this install into a temporary copy of the project (never the project) and judge the tree
 * that lockfile pins, with every rule.
 */
export async function gateManagerInstall(
  manager: OtherManager,
  specs: readonly string[],
  args: readonly string[],
  options: AnalyzeOptions,
  host: ManagerHost,
): Promise<GateVerdict> {
  const policy = loadPolicy(options.files, RULE_IDS, options.config);
  const refused = await refuseAskedNames(specs, policy, options);
  if (refused) return refused;
  const copy = await host.copyProject(options.files.dir, manager);
  try {
    const resolve = resolveArgs(manager, specs, args);
    const code = await host.run(toolOf(manager), resolve.args, copy, resolve.env);
    if (code !== 0)
      throw new InputError(`${toolOf(manager)} could not work out what to install (${toolOf(manager)} ${resolve.args.join(' ')} failed; its output is above)`);
    const project = await loadProject(diskFiles(copy), { nodeModules: false });
    return { analysis: await analyze(project.tree, policy, options), stage: 'tree', policy };
  } finally {
    host.remove(copy);
  }
}

/**
 * `depwarden ci` in a pnpm, yarn or bun project: the committed lockfile, judged as it is (as `npm ci`'s gate does).
 * It must be the lockfile the manager installs from: a project with several, and no packageManager saying which,
 * is loaded as `check` loads it, and a mismatch is an input error rather than a verdict on the wrong file.
 */
export async function gateManagerCi(manager: OtherManager, options: AnalyzeOptions): Promise<GateVerdict> {
  const policy = loadPolicy(options.files, RULE_IDS, options.config);
  const project = await loadProject(options.files, { nodeModules: false });
  const lockfiles = lockfilesOf(toolOf(manager));
  if (!lockfiles.includes(project.tree.sourceFile)) {
    throw new InputError(
      `${toolOf(manager)} installs from ${lockfiles.join(' or ')}, but the lockfile depwarden would read here is ${project.tree.sourceFile}: name the manager in package.json "packageManager"`,
    );
  }
  const unsatisfied = project.tree.outOfSync?.[0];
  if (unsatisfied) throw new InputError(syncMessage(unsatisfied, `${toolOf(manager)} install`), project.tree.sourceFile);
  return { analysis: await analyze(project.tree, policy, options), stage: 'tree', policy, lockfileText: project.lockfileText };
}

export interface ManagerInstallPlan {
  readonly manager: OtherManager;
  readonly command: GateCommand;
  readonly specs: readonly string[];
  /** The user's arguments for the manager, depwarden's own removed. */
  readonly args: readonly string[];
  readonly dir: string;
  readonly policy: Policy;
  readonly scripts: 'allowed' | 'all';
  readonly host: ManagerHost;
}

/**
 * After the gate passed: the real manager installs in the project with its own script blocking, then the install
 * scripts of the packages the policy allows run, then the project's own lifecycle scripts (which the blocking
 * also stopped). Returns the first non-zero code of a step, else 0.
 */
export async function installWithManager(plan: ManagerInstallPlan): Promise<number> {
  const { manager, dir, host } = plan;
  const tool = toolOf(manager);
  const installed = await host.run(tool, installArgs(manager, plan.command, plan.specs, plan.args, plan.scripts), dir);
  if (installed !== 0 || plan.scripts === 'all') return installed;

  const packages = host.installedPackages(dir);
  const { allowed, skipped } = scriptPackages(packages, plan.policy);
  for (const node of skipped) {
    host.warn(`depwarden: did not run the install scripts of ${escapeName(`${node.name}@${node.version ?? '?'}`)}: the policy does not allow them`);
  }
  if (manager === 'yarn-berry' && packages.length === 0) {
    // Plug'n'Play keeps packages in zip archives: there is no folder to read scripts from or run them in.
    host.warn(
      "depwarden: yarn Plug'n'Play: no install script ran, allowed or not; depwarden runs allowed ones only with nodeLinker: node-modules (or list them in dependenciesMeta.<name>.built and run `yarn rebuild`)",
    );
  }
  if (allowed.length > 0) {
    if (manager === 'pnpm') {
      // Asked once, and only when something is to be built: how pnpm takes the approval differs by version.
      const problem = pnpmRebuildProblem(await host.toolVersion('pnpm', dir), [...new Set(allowed.map((node) => `${node.name}@${node.version ?? '?'}`))]);
      if (problem) throw new InputError(problem);
    }
    const rebuild = rebuildCommand(manager, allowed);
    const rebuilt = await host.run(rebuild.tool, rebuild.args, dir, rebuild.env);
    if (rebuilt !== 0) return rebuilt;
  }
  const scripts = host.projectScripts(dir);
  for (const event of ROOT_EVENTS[manager]) {
    if (typeof scripts[event] !== 'string') continue;
    // The manager's own install gives its lifecycle scripts INIT_CWD, the folder it ran in (husky and others read
    // it); `<manager> run` does not set it.
    const ran = await host.run(tool, rootScriptArgs(manager, event), dir, { INIT_CWD: dir });
    if (ran !== 0) return ran;
  }
  return 0;
}
