import { npa } from '../cjs.js';

/** The tools that fetch a package from the registry and run it in one step, as an MCP config or an agent calls them. */
export type Runner = 'npx' | 'npm exec' | 'pnpm dlx' | 'yarn dlx' | 'bunx';

/** One package a launch fetches, and where its spec sits in the argument list (so `--fix` can pin it there). */
export interface LaunchPackage {
  readonly spec: string;
  readonly argIndex: number;
  /** The text before the spec in that argument: `--package=` or ''. */
  readonly prefix: string;
}

export interface Launch {
  readonly runner: Runner;
  readonly packages: readonly LaunchPackage[];
  /** The command to run, when named apart from the package (`-p pkg cmd`); undefined: the package's own bin. */
  readonly command: string | undefined;
  /** `-c "<shell line>"` (npx, npm exec). */
  readonly call: string | undefined;
  /** Arguments for the command. */
  readonly commandArgs: readonly string[];
  /** Whether the runner was told not to ask before installing (`-y`). */
  readonly yes: boolean;
  /**
   * The settings of the launch itself that move where the runner fetches from (`--registry`, `npm_config_registry=`
   * before the command, `HOME=`): in the order the runner applies them, the last one winning.
   */
  readonly settings: readonly FetchSetting[];
}

/** A setting written into a launch that changes where packages come from: another registry, npm config or folder. */
export interface FetchSetting {
  /** As written: `--registry`, `npm_config_registry`, `HOME`. */
  readonly name: string;
  readonly value: string;
  /**
   * The environment variable npm reads for the same setting (`npm_config_registry` for `--registry`), so that npm's
   * own config loader can follow it; undefined when npm's config cannot express it (yarn's rc file, bun's config,
   * another working folder).
   */
  readonly npmEnv: string | undefined;
}

/**
 * npm's settings that decide where a package is fetched from (npm's definitions): the registry, a scope's registry,
 * the config files that set them and the host rewrite.
 */
const NPM_FETCH_KEYS = new Set(['registry', 'userconfig', 'globalconfig', 'replace-registry-host']);
const isNpmFetchKey = (key: string): boolean => NPM_FETCH_KEYS.has(key) || /^@[^:]+:registry$/.test(key);
/**
 * The runner options that run it in another folder (another project `.npmrc`) or with another config file: npm's
 * `--prefix` (`-C`); pnpm's `-C`/`--dir`, yarn's and bun's `--cwd`, bun's `--config`/`-c`.
 */
const FOREIGN_CONFIG_OPTIONS = new Set(['C', 'dir', 'cwd', 'config', 'c']);
const NPM_FOREIGN_CONFIG_OPTIONS = new Set(['C', 'prefix']);

/**
 * A runner option (`--registry`, `--@acme:registry`, `--userconfig`) that moves where packages come from. `key` is
 * the option npm reads (abbreviations expanded), `raw` the key as written.
 */
function optionSetting(key: string, value: string, runnerReadsNpmConfig: boolean, raw = key): FetchSetting | undefined {
  const name = raw.length === 1 ? `-${raw}` : `--${raw}`;
  if (isNpmFetchKey(key)) return { name, value, npmEnv: `npm_config_${key}` };
  if ((runnerReadsNpmConfig ? NPM_FOREIGN_CONFIG_OPTIONS : FOREIGN_CONFIG_OPTIONS).has(key)) return { name, value, npmEnv: undefined };
  return undefined;
}

/**
 * An environment variable set for the launch that moves where packages come from: npm's `npm_config_*` fetch keys
 * (read case-insensitively, `_` for `-`, as @npmcli/config reads them), HOME (another `~/.npmrc`), and the
 * registry variables of yarn and bun.
 */
export function envSetting(name: string, value: string): FetchSetting | undefined {
  // Every npm_config_* is npm's config (a prefix moves the global npmrc, a cache or an auth line matter too): all
  // are handed to npm's config loader, which reads them as npm does.
  if (/^npm_config_./i.test(name)) return { name, value, npmEnv: name };
  // HOME (~/.npmrc), PREFIX (the global npmrc), and on Windows, where names are read whatever their case,
  // USERPROFILE and APPDATA (npm's global prefix).
  if (name === 'HOME' || name === 'PREFIX' || /^(USERPROFILE|APPDATA)$/i.test(name)) return { name, value, npmEnv: name };
  if (name === 'YARN_NPM_REGISTRY_SERVER' || name === 'BUN_CONFIG_REGISTRY') return { name, value, npmEnv: 'npm_config_registry' };
  // A shell's start-up file (bash's BASH_ENV, sh's ENV) can set anything before the command runs.
  if (/^YARN_(RC_FILENAME|NPM_SCOPES)$/.test(name) || /^(BUN_INSTALL|BASH_ENV|ENV)$/.test(name)) return { name, value, npmEnv: undefined };
  return undefined;
}

/**
 * The environment npm reads with a launch's settings applied, the last one winning; or, for a setting npm's config
 * cannot express or a value a client fills in itself (`${input:…}`), why it cannot be followed.
 */
export function npmEnvironment(
  userEnv: NodeJS.ProcessEnv,
  settings: readonly FetchSetting[],
): { readonly env: NodeJS.ProcessEnv } | { readonly unfollowed: string } {
  const env: NodeJS.ProcessEnv = { ...userEnv };
  for (const setting of settings) {
    const key = setting.npmEnv;
    if (key === undefined || setting.value.includes('${')) {
      const written = setting.value === '' ? setting.name : `${setting.name}=${setting.value}`;
      return { unfollowed: `${written} changes where packages are fetched from, in a way depwarden cannot follow` };
    }
    // npm reads npm_config_* whatever its case: the setting replaces the user's own, in any spelling.
    for (const name of Object.keys(env)) if (name !== key && name.toLowerCase() === key.toLowerCase()) delete env[name];
    env[key] = setting.value;
  }
  return { env };
}

/** The fetch settings of `NAME=value` words. */
function assignmentSettings(words: readonly string[]): FetchSetting[] {
  return words.flatMap((word) => {
    const equals = word.indexOf('=');
    const setting = envSetting(word.slice(0, equals), word.slice(equals + 1));
    return setting ? [setting] : [];
  });
}

/** How a runner reads its options: which take a value, and which of those name packages or a shell line. */
interface RunnerSyntax {
  readonly packageFlags: ReadonlySet<string>;
  readonly callFlags: ReadonlySet<string>;
  readonly yesFlags: ReadonlySet<string>;
  /** Whether an option not listed takes the next argument as its value. */
  takesValue(key: string, next: string | undefined): boolean;
  /** The option a key names once npm's shorthands and abbreviations are expanded (`reg` -> `registry`); else itself. */
  canonical(key: string): string;
}

/** npm's option names and shorthands (its definitions), to expand what a launch abbreviates as npm's nopt does. */
export interface NpmOptionNames {
  readonly names: readonly string[];
  /** `reg` -> `--registry`, `C` -> `--prefix`, `y` -> `--yes` (npm's shorthands, single expansions only). */
  readonly shorthands: Readonly<Record<string, string>>;
}

/** nopt's reading of an option key: a name, else a shorthand, else the one name it is a prefix of. */
function expandWith(options: NpmOptionNames): (key: string) => string {
  return (key) => {
    if (options.names.includes(key)) return key;
    const short = options.shorthands[key];
    if (short !== undefined) return short.replace(/^--/, '');
    const prefixed = options.names.filter((name) => name.startsWith(key));
    return prefixed.length === 1 ? prefixed[0]! : key;
  };
}

/**
 * npx's own reading of its arguments (npm's bin/npx-cli.js): options until the first positional argument or `--`;
 * an option that is not one of npm's switches takes the next argument unless it starts with `-`. `npmSwitches` are
 * npm's boolean options (from npm's definitions: the caller loads them).
 */
export function npxSyntax(npmSwitches: ReadonlySet<string>, npmOptions: NpmOptionNames = { names: [], shorthands: {} }): RunnerSyntax {
  const switches = new Set([...npmSwitches, 'no-install', 'quiet', 'q', 'version', 'v', 'help', 'h', 'y', 'yes']);
  const valued = new Set(['package', 'p', 'cache', 'userconfig', 'call', 'c', 'shell', 'npm', 'node-arg', 'n']);
  return {
    packageFlags: new Set(['package', 'p']),
    callFlags: new Set(['call', 'c']),
    yesFlags: new Set(['y', 'yes']),
    takesValue: (key, next) => !switches.has(key) && (valued.has(key) || (next !== undefined && !next.startsWith('-'))),
    canonical: expandWith(npmOptions),
  };
}

/**
 * `npm exec` as npm's own nopt reads it: options anywhere before `--` (after the package too: `npm exec pkg
 * --package=other` fetches other), abbreviated or not; a positional does not end them.
 */
function npmExecSyntax(npx: RunnerSyntax): RunnerSyntax & { readonly optionsAnywhere: true } {
  return { ...npx, takesValue: (key, next) => npx.takesValue(npx.canonical(key), next), optionsAnywhere: true };
}

/**
 * pnpm dlx, yarn dlx and bunx: `--package`/`-p` takes a value (their docs), and so do the npm settings pnpm reads
 * from its command line (`--registry`); every other option is a switch.
 */
const DLX_SYNTAX: RunnerSyntax = {
  packageFlags: new Set(['package', 'p']),
  callFlags: new Set(),
  yesFlags: new Set(),
  takesValue: (key) => key === 'package' || key === 'p' || isNpmFetchKey(key),
  canonical: (key) => key,
};

/**
 * Reads a runner's arguments the way the runner does: options first; the first positional argument is the package
 * to fetch (or, when `--package` named the packages, the command to run); everything after it goes to the command.
 */
export function parseRunnerArgs(
  runner: Runner,
  args: readonly string[],
  syntax: RunnerSyntax,
  offset = 0,
  before: { readonly settings: readonly FetchSetting[]; readonly yes?: boolean } = { settings: [] },
): Launch {
  const packages: LaunchPackage[] = [];
  const settings: FetchSetting[] = [...before.settings];
  const readsNpmConfig = runner === 'npx' || runner === 'npm exec';
  const anywhere = 'optionsAnywhere' in syntax;
  const positionals: { readonly text: string; readonly index: number }[] = [];
  let call: string | undefined;
  let yes = before.yes ?? !readsNpmConfig;
  let index = 0;
  for (; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === '--') {
      index++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      if (!anywhere) break;
      positionals.push({ text: arg, index });
      continue;
    }
    const { raw, inline, prefix } = optionParts(arg);
    // npx finds its own options by the key as written; npm's config reads the expanded one.
    const key = syntax.canonical(raw);
    if (syntax.yesFlags.has(raw) || key === 'yes') yes = inline === undefined || inline === 'true';
    else if (raw === 'no-install' || raw === 'no' || raw === 'n' || key === 'no-yes') yes = false;
    const flag = anywhere ? key : raw;
    if (inline === undefined && syntax.takesValue(raw, args[index + 1])) {
      const value = args[++index];
      if (value === undefined) break;
      if (syntax.packageFlags.has(flag)) packages.push({ spec: value, argIndex: offset + index, prefix: '' });
      else if (syntax.callFlags.has(flag)) call = value;
      else pushSetting(settings, optionSetting(key, value, readsNpmConfig, raw));
    } else if (inline !== undefined) {
      if (syntax.packageFlags.has(flag)) packages.push({ spec: inline, argIndex: offset + index, prefix });
      else if (syntax.callFlags.has(flag)) call = inline;
      else pushSetting(settings, optionSetting(key, inline, readsNpmConfig, raw));
    }
  }
  for (; index < args.length; index++) positionals.push({ text: args[index]!, index });
  const words = positionals.map((positional) => positional.text);
  if (packages.length > 0 || call !== undefined) {
    return {
      runner,
      packages,
      command: call === undefined ? words[0] : undefined,
      call,
      commandArgs: call === undefined ? words.slice(1) : words,
      yes,
      settings,
    };
  }
  const first = positionals[0];
  return {
    runner,
    packages: first === undefined ? [] : [{ spec: first.text, argIndex: offset + first.index, prefix: '' }],
    command: undefined,
    call: undefined,
    commandArgs: words.slice(1),
    yes,
    settings,
  };
}

/**
 * Where npx's own options end (the index of the first positional argument or of `--`), read as parseRunnerArgs and
 * npm's bin/npx-cli.js read them: an option that npm adds there counts for npx itself, not for the command.
 */
export function npxOptionsEnd(args: readonly string[], syntax: RunnerSyntax): number {
  let index = 0;
  for (; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === '--' || !arg.startsWith('-') || arg === '-') break;
    const { raw, inline } = optionParts(arg);
    if (inline === undefined && syntax.takesValue(raw, args[index + 1])) index++;
  }
  return Math.min(index, args.length);
}

/** `--key=value` read apart: the key without its dashes, the inline value, and the text before that value. */
function optionParts(arg: string): { readonly raw: string; readonly inline: string | undefined; readonly prefix: string } {
  const equals = arg.indexOf('=');
  return {
    raw: arg.replace(/^-+/, '').split('=')[0]!,
    inline: equals === -1 ? undefined : arg.slice(equals + 1),
    prefix: equals === -1 ? '' : arg.slice(0, equals + 1),
  };
}

function pushSetting(settings: FetchSetting[], setting: FetchSetting | undefined): void {
  if (setting) settings.push(setting);
}

/** The file name of a command without its folder and Windows extension: `C:\\nodejs\\npx.cmd` is `npx`. */
export function commandName(command: string): string {
  return (command.split(/[\\/]/).pop() ?? command).replace(/\.(cmd|exe|bat|ps1)$/i, '').toLowerCase();
}

/** How an MCP server is started, as far as npm packages are concerned. */
export type ServerLaunch =
  /** inShellLine: read from a `sh -c` line, so the packages' argIndex names no argument of the config. */
  | { readonly kind: 'runner'; readonly launch: Launch; readonly inShellLine?: true }
  /** `node_modules/.bin/<bin>`: a package already installed in a project. */
  | { readonly kind: 'installed-bin'; readonly binPath: string }
  /** Not an npm package: another program (node script, python, docker...). */
  | { readonly kind: 'other'; readonly program: string }
  /** A wrapper whose command depwarden cannot read (a shell line with more than words, an unknown env option). */
  | { readonly kind: 'unreadable'; readonly reason: string };

/**
 * Which runner a server's command line uses, and what it fetches. Wrappers are read through: `cmd /c npx …` (how
 * Windows clients start npx), `env [options] [NAME=value…] npx …`, and `sh|bash|zsh|dash -c '<line>'` when the line
 * is a plain word list. `npm exec` and `npm x` are read with npx's syntax: npm stops at the first positional as well
 * when the options come first, as they do in every MCP config seen.
 */
export function serverLaunch(command: string, args: readonly string[], npxArgs: RunnerSyntax): ServerLaunch {
  const name = commandName(command);
  // A client fills in `${input:…}` itself; a program name with blanks in it is a command line for some shell.
  if (command.includes('${')) return { kind: 'unreadable', reason: `command ${command}: the client fills it in` };
  if (/\s/.test(name)) return { kind: 'unreadable', reason: `command "${command}": a command line, not a program` };
  if (name === 'cmd') return throughCmd(args, npxArgs);
  if (name === 'pnpx') return { kind: 'runner', launch: parseRunnerArgs('pnpm dlx', args, DLX_SYNTAX) };
  // `node <npm folder>/bin/npx-cli.js …`: npx itself, started the way its .cmd shim starts it.
  const script = commandName(args[0] ?? '');
  if (name === 'node' && (script === 'npx-cli.js' || script === 'npm-cli.js')) {
    const inner = serverLaunch(script === 'npx-cli.js' ? 'npx' : 'npm', args.slice(1), npxArgs);
    return inner.kind === 'runner' ? { ...inner, launch: shift(inner.launch, 1) } : inner;
  }
  if (name === 'env') return throughEnv(args, npxArgs);
  if (SHELLS.has(name)) return throughShell(name, args, npxArgs);
  if (name === 'npx') return { kind: 'runner', launch: parseRunnerArgs('npx', args, npxArgs) };
  if (name === 'bunx') return { kind: 'runner', launch: parseRunnerArgs('bunx', args, DLX_SYNTAX) };
  const manager = MANAGER_RUNNERS[name];
  if (manager !== undefined) {
    const started = throughManager(name, manager, args, npxArgs);
    if (started !== undefined) return started;
  }
  if (/(^|[\\/])node_modules[\\/]\.bin[\\/][^\\/]+$/.test(command)) return { kind: 'installed-bin', binPath: command };
  return { kind: 'other', program: command };
}

/** The package managers' subcommands that fetch and run a package: `npm exec|x`, `pnpm dlx`, `yarn dlx`, `bun x`. */
const MANAGER_RUNNERS: Readonly<Record<string, { readonly words: readonly string[]; readonly runner: Runner }>> = {
  // `exe`: npm takes any unique abbreviation of a command.
  npm: { words: ['exec', 'exe', 'x'], runner: 'npm exec' },
  pnpm: { words: ['dlx'], runner: 'pnpm dlx' },
  yarn: { words: ['dlx'], runner: 'yarn dlx' },
  bun: { words: ['x'], runner: 'bunx' },
};

/** The global options of pnpm, yarn and bun that take a value, as far as they come before `dlx`/`x`. */
const MANAGER_OPTIONS: RunnerSyntax = {
  packageFlags: new Set(),
  callFlags: new Set(),
  yesFlags: new Set(),
  takesValue: (key) => isNpmFetchKey(key) || FOREIGN_CONFIG_OPTIONS.has(key) || ['filter', 'F', 'reporter', 'loglevel'].includes(key),
  canonical: (key) => key,
};

/**
 * `npm [options] exec …` and the like: the manager's own options may come before its subcommand (`npm --yes exec`,
 * `npm --registry <url> exec`, `pnpm -C <dir> dlx`); they count for the launch. Undefined when the command runs no
 * package. When an option depwarden cannot read could hide the subcommand (a value it took for a switch), the
 * launch is unreadable rather than "not an npm launch".
 */
function throughManager(name: string, manager: (typeof MANAGER_RUNNERS)[string], args: readonly string[], npxArgs: RunnerSyntax): ServerLaunch | undefined {
  const syntax = name === 'npm' ? npxArgs : MANAGER_OPTIONS;
  const settings: FetchSetting[] = [];
  let yes: boolean | undefined;
  let index = 0;
  for (; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === '--') {
      index++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    const { raw, inline } = optionParts(arg);
    const key = syntax.canonical(raw);
    let value = inline;
    if (value === undefined && syntax.takesValue(key, args[index + 1])) value = args[++index];
    if (name === 'npm' && (key === 'yes' || syntax.yesFlags.has(raw))) yes = value === undefined || value === 'true';
    else if (name === 'npm' && key === 'no-yes') yes = false;
    else if (value !== undefined) pushSetting(settings, optionSetting(key, value, name === 'npm', raw));
  }
  const word = args[index];
  if (word !== undefined && manager.words.includes(word)) {
    const runnerSyntax = name === 'npm' ? npmExecSyntax(npxArgs) : DLX_SYNTAX;
    return { kind: 'runner', launch: parseRunnerArgs(manager.runner, args.slice(index + 1), runnerSyntax, index + 1, { settings, yes }) };
  }
  const later = args.findIndex((arg, at) => at > index && manager.words.includes(arg));
  const hidden = later !== -1 && args.slice(0, later).every((arg, at) => arg.startsWith('-') || args[at - 1]?.startsWith('-'));
  return hidden ? { kind: 'unreadable', reason: `${name} option ${args[index - 1] ?? word} before ${args[later]}` } : undefined;
}

/** The launch with settings made around it (env's or the shell line's `NAME=value` words) applied first. */
function withSettings(started: ServerLaunch, settings: readonly FetchSetting[]): ServerLaunch {
  if (started.kind !== 'runner' || settings.length === 0) return started;
  return { ...started, launch: { ...started.launch, settings: [...settings, ...started.launch.settings] } };
}

/**
 * `cmd [/d /s /q …] /c|/k <command> <args…>` (how Windows clients start npx): the command and its arguments when
 * they are plain words. cmd reads `&`, `|`, `<`, `>`, `^`, `%VAR%`, `!VAR!`, parentheses and quotes in any argument;
 * one argument holding a whole line is split by cmd's rules: both are unreadable.
 */
function throughCmd(args: readonly string[], npxArgs: RunnerSyntax): ServerLaunch {
  let index = 0;
  while (index < args.length && /^\/([dsqau]|[efv]:(on|off)|t:[0-9a-f]{1,2})$/i.test(args[index]!)) index++;
  if (!/^\/[ck]$/i.test(args[index] ?? '')) return { kind: 'other', program: 'cmd' };
  const start = index + 1;
  if (start >= args.length) return { kind: 'unreadable', reason: 'cmd /c without a command' };
  const special = args.slice(start).find((arg) => /[&|<>^%!()"]/.test(arg));
  if (special !== undefined) return { kind: 'unreadable', reason: `cmd /c argument ${special}: cmd reads it` };
  if (/\s/.test(commandName(args[start]!))) return { kind: 'unreadable', reason: `cmd /c "${args[start]}": a command line, not a program` };
  const inner = serverLaunch(args[start]!, args.slice(start + 1), npxArgs);
  return inner.kind === 'runner' ? { ...inner, launch: shift(inner.launch, start + 1) } : inner;
}

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash']);
/** GNU and BSD env's switches, alone or combined (`-iv`); `-` alone is `-i`. */
const ENV_SWITCHES = /^(?:-[i0v]+|-|--ignore-environment|--null|--debug|--(?:default|ignore|block)-signal(?:=.*)?|--(?:unset|chdir)=.*|-[uC].+)$/;
const ENV_VALUED = new Set(['-u', '--unset', '-C', '--chdir', '-P']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** `env [options] [NAME=value…] command args…`: the command, its arguments shifted past env's own. */
function throughEnv(args: readonly string[], npxArgs: RunnerSyntax): ServerLaunch {
  // What env's options do to npm's environment: an emptied environment (no HOME, no ~/.npmrc), an unset npm
  // variable or another working folder (another project .npmrc) are not followed.
  const unfollowed: FetchSetting[] = [];
  const unset = (name: string) => {
    if (envSetting(name, '')) unfollowed.push({ name: 'env -u', value: name, npmEnv: undefined });
  };
  let index = 0;
  for (; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === '--') {
      index++;
      break;
    }
    if (arg === '-' || arg === '--ignore-environment' || /^-[i0v]*i/.test(arg)) unfollowed.push({ name: `env ${arg}`, value: '', npmEnv: undefined });
    else if (arg === '-C' || arg === '--chdir' || /^(-C.|--chdir=)/.test(arg)) unfollowed.push({ name: 'env --chdir', value: '', npmEnv: undefined });
    else if (arg === '-u' || arg === '--unset') unset(args[index + 1] ?? '');
    else if (/^(-u.|--unset=)/.test(arg)) unset(arg.replace(/^(-u|--unset=)/, ''));
    if (ENV_VALUED.has(arg)) index++;
    else if (ENV_SWITCHES.test(arg)) continue;
    // `-S` splits a string by env's own quoting rules, and any option not listed may take a value: fail closed.
    else if (arg.startsWith('-')) return { kind: 'unreadable', reason: `env option ${arg}` };
    else break;
  }
  const assignments = index;
  while (index < args.length && ASSIGNMENT.test(args[index]!)) index++;
  if (index >= args.length) return { kind: 'other', program: 'env' };
  const inner = withSettings(serverLaunch(args[index]!, args.slice(index + 1), npxArgs), [
    ...unfollowed,
    ...assignmentSettings(args.slice(assignments, index)),
  ]);
  return inner.kind === 'runner' ? { ...inner, launch: shift(inner.launch, index + 1) } : inner;
}

/**
 * `sh -c '<line>'` (bash, zsh, dash alike): the line read as the command it runs when it is a plain word list.
 * Anything the shell would expand, redirect or chain (`$`, quotes within quotes, `|`, `;`, globs…) is unreadable:
 * what runs then depends on the shell, not on the words.
 */
function throughShell(shell: string, args: readonly string[], npxArgs: RunnerSyntax): ServerLaunch {
  let reads = false;
  let line: string | undefined;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (/^[-+][A-Za-z]+$/.test(arg)) {
      if (arg.startsWith('-') && arg.includes('c')) reads = true;
      if (arg.includes('o')) index++; // `-o pipefail`: the option's name
      continue;
    }
    if (arg === '--rcfile' || arg === '--init-file') {
      index++;
      continue;
    }
    if (/^--[a-z-]+$/.test(arg) && arg !== '--') continue;
    if (arg === '--') {
      line = args[index + 1];
      break;
    }
    line = arg;
    break;
  }
  // Without -c the shell runs a script file: another program, as `node server.js` is.
  if (!reads) return { kind: 'other', program: shell };
  if (line === undefined) return { kind: 'unreadable', reason: `${shell} -c without a command` };
  const words = shellWords(line);
  if (words === undefined) return { kind: 'unreadable', reason: `${shell} -c '${line}': more than a plain word list` };
  let start = 0;
  while (start < words.length && ASSIGNMENT.test(words[start]!)) start++;
  if (words[start] === 'exec') start++;
  if (start >= words.length) return { kind: 'unreadable', reason: `${shell} -c '${line}': no command` };
  const inner = withSettings(
    serverLaunch(words[start]!, words.slice(start + 1), npxArgs),
    assignmentSettings(words.slice(0, start).filter((word) => word !== 'exec')),
  );
  // The packages' places are words of one argument: `--fix` cannot pin them there.
  return inner.kind === 'runner' ? { ...inner, inShellLine: true } : inner;
}

/**
 * The words of a shell line that only lists words: unquoted characters that no shell expands, and '…' or "…" parts
 * without quotes, `$`, backquotes or backslashes inside. Undefined for anything else. Written by hand: a shell
 * parser would also accept what this refuses on purpose.
 */
export function shellWords(line: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  for (let index = 0; index < line.length; index++) {
    const char = line[index]!;
    if (char === ' ' || char === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
      continue;
    }
    if (char === "'" || char === '"') {
      const end = line.indexOf(char, index + 1);
      if (end === -1) return undefined;
      const quoted = line.slice(index + 1, end);
      if (char === '"' && /[$`\\!]/.test(quoted)) return undefined;
      word = (word ?? '') + quoted;
      index = end;
      continue;
    }
    // `~` expands at the start of a word; inside one (`pkg@~1.2`) it is a letter.
    if (!/[A-Za-z0-9@%+=:,./_^~-]/.test(char) || (char === '~' && word === undefined)) return undefined;
    word = (word ?? '') + char;
  }
  if (word !== undefined) words.push(word);
  return words;
}

function shift(launch: Launch, by: number): Launch {
  return { ...launch, packages: launch.packages.map((entry) => ({ ...entry, argIndex: entry.argIndex + by })) };
}

/**
 * Whether a registry spec names one exact version, so every start runs the same code. A tag (`@latest`), a range
 * or no version at all lets the next publish run on the next start. Non-registry specs are other rules' business.
 */
export function isPinnedSpec(spec: string): boolean {
  try {
    const parsed = npa(spec);
    if (parsed.type === 'alias') return (parsed as { subSpec?: { type: string } }).subSpec?.type === 'version';
    return parsed.type !== 'tag' && parsed.type !== 'range';
  } catch {
    return false;
  }
}
