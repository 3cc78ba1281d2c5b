import { semver } from '../cjs.js';
import { InputError } from '../errors.js';
import { escapeName, escapeText } from '../text/escape.js';
import { declaredManager } from '../tree/other-lockfiles.js';
import { isRecord, type JsonRecord } from '../tree/shape.js';

/** The package managers the gate drives; yarn's two lines differ in every flag that matters here. */
export type Manager = 'npm' | 'pnpm' | 'yarn-classic' | 'yarn-berry' | 'bun';
/** The program each manager runs as. */
export type ManagerTool = 'npm' | 'pnpm' | 'yarn' | 'bun';

export const toolOf = (manager: Manager): ManagerTool => (manager === 'yarn-classic' || manager === 'yarn-berry' ? 'yarn' : manager);

/** Lockfiles in `check`'s order when package.json names no manager (src/tree/load.ts): npm's first. */
const LOCKFILE_TOOLS: readonly (readonly [string, ManagerTool])[] = [
  ['npm-shrinkwrap.json', 'npm'],
  ['package-lock.json', 'npm'],
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
];

export interface DetectedManager {
  readonly manager: Manager;
  /** Why this one, for the user: "package.json packageManager", "pnpm-lock.yaml", ... */
  readonly because: string;
}

/**
 * The manager that installs this project: the one asked for (`--manager`, a shim), else package.json's
 * `packageManager` / `devEngines.packageManager` (as `check` reads it), else the first lockfile present in
 * `check`'s order, else npm. Yarn's line: the declared version (1.x is classic), else the lockfile (berry's starts
 * with `__metadata`), else a `.yarnrc.yml` (berry's config file), else classic.
 */
export function detectManager(manifest: JsonRecord, readFile: (name: string) => string | undefined, asked?: string): DetectedManager {
  let tool: ManagerTool;
  let because: string;
  if (asked !== undefined) {
    if (!isTool(asked)) throw new InputError(`--manager must be one of npm, pnpm, yarn, bun; found "${asked}"`);
    [tool, because] = [asked, `--manager ${asked}`];
  } else {
    const declared = declaredManager(manifest);
    const lockfile = LOCKFILE_TOOLS.find(([name]) => readFile(name) !== undefined);
    if (declared !== undefined && isTool(declared)) [tool, because] = [declared, 'package.json packageManager'];
    else if (lockfile) [tool, because] = [lockfile[1], lockfile[0]];
    else [tool, because] = ['npm', 'no other manager named or locked'];
  }
  if (tool !== 'yarn') return { manager: tool, because };
  const version = declaredVersion(manifest, 'yarn');
  const lockfile = readFile('yarn.lock');
  const berry =
    version !== undefined
      ? !/^1\./.test(version)
      : lockfile !== undefined && lockfile.trim() !== ''
        ? /^__metadata:/m.test(lockfile)
        : readFile('.yarnrc.yml') !== undefined;
  return { manager: berry ? 'yarn-berry' : 'yarn-classic', because };
}

function isTool(name: string): name is ManagerTool {
  return name === 'npm' || name === 'pnpm' || name === 'yarn' || name === 'bun';
}

/** The version package.json pins the manager to (`yarn@4.1.0+sha…`, or devEngines' `version`), if it names this one. */
function declaredVersion(manifest: JsonRecord, tool: ManagerTool): string | undefined {
  if (typeof manifest.packageManager === 'string') {
    const match = /^([^@]+)@([^+]+)/.exec(manifest.packageManager);
    return match?.[1] === tool ? match[2] : undefined;
  }
  const declared = isRecord(manifest.devEngines) && isRecord(manifest.devEngines.packageManager) ? manifest.devEngines.packageManager : undefined;
  return declared?.name === tool && typeof declared.version === 'string' ? declared.version : undefined;
}

/** The files that decide what a manager resolves: copied into the temporary project the gate resolves in. */
export const MANAGER_FILES: Record<Exclude<Manager, 'npm'>, readonly string[]> = {
  // .pnpmfile.cjs is the project's own hook code: pnpm runs it on every install, so the copy must have it too.
  pnpm: ['pnpm-lock.yaml', 'pnpm-workspace.yaml', '.npmrc', '.pnpmfile.cjs'],
  'yarn-classic': ['yarn.lock', '.yarnrc', '.npmrc'],
  // yarnPath and plugins point into .yarn/; patches are part of what berry resolves.
  'yarn-berry': ['yarn.lock', '.yarnrc.yml', '.yarn/releases', '.yarn/plugins', '.yarn/patches'],
  bun: ['bun.lock', 'bun.lockb', 'bunfig.toml', '.npmrc'],
};

/**
 * Package-manager options that take a value as the next argument: what is not one of these, and does not start
 * with `-`, is a package spec. Written by hand from each manager's `--help`, since none exports its parser; an
 * unknown option read as a switch only makes its value one more name to judge, never one less.
 */
const VALUE_OPTIONS: Record<Exclude<Manager, 'npm'>, ReadonlySet<string>> = {
  pnpm: new Set([
    '--filter',
    '-F',
    '--dir',
    '-C',
    '--reporter',
    '--store-dir',
    '--virtual-store-dir',
    '--modules-dir',
    '--loglevel',
    '--registry',
    '--workspace-root',
  ]),
  'yarn-classic': new Set(['--modules-folder', '--cwd', '--network-timeout', '--mutex', '--cache-folder', '--registry', '--global-folder', '--link-folder']),
  'yarn-berry': new Set(['--mode', '--cwd']),
  bun: new Set([
    '--cwd',
    '--backend',
    '--cache-dir',
    '-c',
    '--config',
    '--registry',
    '--omit',
    '--filter',
    '--linker',
    '--cpu',
    '--os',
    '--network-concurrency',
  ]),
};

/** The package specs in a manager's arguments. */
export function managerPositionals(manager: Exclude<Manager, 'npm'>, args: readonly string[]): string[] {
  const specs: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === '--') break;
    if (arg.startsWith('-')) {
      if (!arg.includes('=') && VALUE_OPTIONS[manager].has(arg)) index++;
      continue;
    }
    specs.push(arg);
  }
  return specs;
}

export type GateCommand = 'install' | 'ci';

/** The subcommand: `add` when packages are named, as each of these managers wants. */
const baseArgs = (command: GateCommand, specs: readonly string[], args: readonly string[], frozen: string): string[] =>
  command === 'ci' ? ['install', frozen, ...args] : [specs.length > 0 ? 'add' : 'install', ...args];

const FROZEN: Record<Exclude<Manager, 'npm'>, string> = {
  pnpm: '--frozen-lockfile',
  'yarn-classic': '--frozen-lockfile',
  'yarn-berry': '--immutable',
  bun: '--frozen-lockfile',
};

/**
 * How the manager writes the lockfile of `install` without installing, in the temporary copy:
 * - pnpm: `--lockfile-only` resolves and writes pnpm-lock.yaml, fetching metadata only.
 * - yarn berry: `--mode=update-lockfile` writes yarn.lock and skips the link step (no node_modules, no builds).
 * - yarn classic has no lockfile-only mode: it installs into the temporary copy with `--ignore-scripts`, so
 *   packages are downloaded and unpacked there (never into the project) and nothing of them runs.
 * - bun: `--lockfile-only` (bun 1.2 and later; an older bun stops with its own error), with `--save-text-lockfile` so that a project on the binary
 *   bun.lockb is judged from the text lockfile bun writes for the same tree.
 * Every one with scripts off; the env turns off what berry's config could turn on.
 */
export function resolveArgs(
  manager: Exclude<Manager, 'npm'>,
  specs: readonly string[],
  args: readonly string[],
): { args: string[]; env: Record<string, string> } {
  const base = baseArgs('install', specs, args, '');
  switch (manager) {
    case 'pnpm':
      return { args: [...base, '--lockfile-only', '--ignore-scripts'], env: {} };
    case 'yarn-classic':
      return { args: [...base, '--ignore-scripts', '--non-interactive', '--no-progress'], env: {} };
    case 'yarn-berry':
      // CI turns immutable installs on, which would refuse to write the lockfile the gate needs to read.
      return { args: [...base, '--mode=update-lockfile'], env: { YARN_ENABLE_IMMUTABLE_INSTALLS: 'false', YARN_ENABLE_SCRIPTS: 'false' } };
    case 'bun':
      return { args: [...base, '--lockfile-only', '--ignore-scripts', '--save-text-lockfile'], env: {} };
  }
}

/**
 * The real install in the project, after the gate passed, with the manager's own script blocking (or none with
 * `--scripts all`): pnpm, yarn classic and bun `--ignore-scripts`; berry `--mode=skip-build` (its install
 * scripts are "builds"). `ci` adds the manager's frozen-lockfile flag.
 */
export function installArgs(
  manager: Exclude<Manager, 'npm'>,
  command: GateCommand,
  specs: readonly string[],
  args: readonly string[],
  scripts: 'allowed' | 'all',
): string[] {
  const base = baseArgs(command, specs, args, FROZEN[manager]);
  if (scripts === 'all') return base;
  return [...base, manager === 'yarn-berry' ? '--mode=skip-build' : '--ignore-scripts'];
}

/**
 * How the allowed install scripts run after an install with scripts off: pnpm's own `pnpm rebuild <names>`;
 * for the node_modules layouts of yarn classic, bun and berry's node-modules linker, `npm rebuild
 * <name>@<version>`, which runs exactly those packages' scripts (berry's `yarn rebuild <name>` builds every
 * package never built, allowed or not, so it cannot be used).
 *
 * `pnpm rebuild <names>` builds only the packages named, but from pnpm 10 on only those that pnpm's own settings
 * approve (onlyBuiltDependencies, allowBuilds, permissions): pnpm 10 and 11 skip the others silently, pnpm 12 stops
 * with ERR_PNPM_IGNORED_BUILDS. Here the policy has decided, so the rebuild approves exactly the packages it names,
 * for this run only and with nothing written to the project (measured with pnpm 9.15, 10.34, 11.28, 12.23):
 * - `--config.dangerouslyAllowAllBuilds=true` (pnpm 10.9 and later; pnpm 9 ignores it): on the command line, since
 *   pnpm 10 lets pnpm-workspace.yaml's lists win over the environment;
 * - `pnpm_config_allow_builds` = {"<name>": true, ...}: pnpm 12 lets an allowBuilds or permissions entry `false`
 *   win over dangerouslyAllowAllBuilds, and a setting from the environment replaces the file's map. In the
 *   environment, not as an argument, so that no shell (cmd.exe runs pnpm.cmd on Windows) rewrites its quotes.
 * The user's own approvals do not widen it: the install ran with --ignore-scripts and the rebuild names no other package.
 */
export function rebuildCommand(
  manager: Exclude<Manager, 'npm'>,
  packages: readonly { name: string; version: string | undefined }[],
): { tool: ManagerTool; args: string[]; env: Record<string, string> } {
  if (manager === 'pnpm') {
    const names = [...new Set(packages.map((node) => node.name))];
    return {
      tool: 'pnpm',
      args: ['rebuild', ...names, '--config.dangerouslyAllowAllBuilds=true'],
      env: { pnpm_config_allow_builds: JSON.stringify(Object.fromEntries(names.map((name) => [name, true]))) },
    };
  }
  return { tool: 'npm', args: ['rebuild', ...new Set(packages.map((node) => `${node.name}@${node.version}`)), '--ignore-scripts=false'], env: {} };
}

/**
 * Why this pnpm (its `pnpm --version` output) cannot run the allowed install scripts, or undefined when it can:
 * pnpm 10.0 to 10.8 build only what a file approves (no dangerouslyAllowAllBuilds yet, and `--config.*` lists are
 * not read), so its rebuild would skip them without a word.
 */
export function pnpmRebuildProblem(versionOutput: string | undefined, names: readonly string[]): string | undefined {
  const version = semver.valid(versionOutput?.trim() ?? '');
  const what = `the install scripts the policy allows (${names.map(escapeName).join(', ')})`;
  if (version === null) {
    return `could not read pnpm's version (\`pnpm --version\` ${versionOutput === undefined ? 'failed' : `printed "${escapeText(versionOutput.trim())}"`}), so depwarden cannot tell how to run ${what}; the packages are installed, no install script ran`;
  }
  if (semver.satisfies(version, '>=10.0.0 <10.9.0', { includePrerelease: true })) {
    return `pnpm ${version} runs no install script that its own settings do not approve, so depwarden cannot run ${what}: update pnpm to 10.9 or later; the packages are installed, no install script ran`;
  }
  return undefined;
}

/** The project's own lifecycle scripts each manager runs on install, in its order (berry runs no `prepare`). */
export const ROOT_EVENTS: Record<Exclude<Manager, 'npm'>, readonly string[]> = {
  pnpm: ['preinstall', 'install', 'postinstall', 'prepare'],
  'yarn-classic': ['preinstall', 'install', 'postinstall', 'prepare'],
  'yarn-berry': ['preinstall', 'install', 'postinstall'],
  bun: ['preinstall', 'install', 'postinstall', 'prepare'],
};

/**
 * How the project's own lifecycle script `event` runs after the install. pnpm 12's `pnpm run` first installs
 * whatever it finds out of date (verifyDepsBeforeRun), and that install runs the builds pnpm's own settings
 * approve, the ones the policy refused included (measured with `dangerouslyAllowAllBuilds: true`): turned off on
 * the command line, which wins over pnpm-workspace.yaml (pnpm 9 ignores it).
 */
export const rootScriptArgs = (manager: Exclude<Manager, 'npm'>, event: string): string[] =>
  manager === 'pnpm' ? ['--config.verifyDepsBeforeRun=false', 'run', event] : ['run', event];
