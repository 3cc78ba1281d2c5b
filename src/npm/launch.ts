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
}

/** How a runner reads its options: which take a value, and which of those name packages or a shell line. */
interface RunnerSyntax {
  readonly packageFlags: ReadonlySet<string>;
  readonly callFlags: ReadonlySet<string>;
  readonly yesFlags: ReadonlySet<string>;
  /** Whether an option not listed takes the next argument as its value. */
  takesValue(key: string, next: string | undefined): boolean;
}

/**
 * npx's own reading of its arguments (npm's bin/npx-cli.js): options until the first positional argument or `--`;
 * an option that is not one of npm's switches takes the next argument unless it starts with `-`. `npmSwitches` are
 * npm's boolean options (from npm's definitions: the caller loads them).
 */
export function npxSyntax(npmSwitches: ReadonlySet<string>): RunnerSyntax {
  const switches = new Set([...npmSwitches, 'no-install', 'quiet', 'q', 'version', 'v', 'help', 'h', 'y', 'yes']);
  const valued = new Set(['package', 'p', 'cache', 'userconfig', 'call', 'c', 'shell', 'npm', 'node-arg', 'n']);
  return {
    packageFlags: new Set(['package', 'p']),
    callFlags: new Set(['call', 'c']),
    yesFlags: new Set(['y', 'yes']),
    takesValue: (key, next) => !switches.has(key) && (valued.has(key) || (next !== undefined && !next.startsWith('-'))),
  };
}

/** pnpm dlx, yarn dlx and bunx: only `--package`/`-p` takes a value (their docs); every other option is a switch. */
const DLX_SYNTAX: RunnerSyntax = {
  packageFlags: new Set(['package', 'p']),
  callFlags: new Set(),
  yesFlags: new Set(),
  takesValue: (key) => key === 'package' || key === 'p',
};

/**
 * Reads a runner's arguments the way the runner does: options first; the first positional argument is the package
 * to fetch (or, when `--package` named the packages, the command to run); everything after it goes to the command.
 */
export function parseRunnerArgs(runner: Runner, args: readonly string[], syntax: RunnerSyntax, offset = 0): Launch {
  const packages: LaunchPackage[] = [];
  let call: string | undefined;
  let yes = runner !== 'npx' && runner !== 'npm exec';
  let index = 0;
  for (; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === '--') {
      index++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    const equals = arg.indexOf('=');
    const key = arg.replace(/^-+/, '').split('=')[0]!;
    const inline = equals === -1 ? undefined : arg.slice(equals + 1);
    if (syntax.yesFlags.has(key)) yes = inline === undefined || inline === 'true';
    else if (key === 'no-install' || key === 'no') yes = false;
    if (inline === undefined && syntax.takesValue(key, args[index + 1])) {
      const value = args[++index];
      if (value === undefined) break;
      if (syntax.packageFlags.has(key)) packages.push({ spec: value, argIndex: offset + index, prefix: '' });
      else if (syntax.callFlags.has(key)) call = value;
    } else if (inline !== undefined) {
      if (syntax.packageFlags.has(key)) packages.push({ spec: inline, argIndex: offset + index, prefix: arg.slice(0, equals + 1) });
      else if (syntax.callFlags.has(key)) call = inline;
    }
  }
  const positionals = args.slice(index);
  if (packages.length > 0 || call !== undefined) {
    return {
      runner,
      packages,
      command: call === undefined ? positionals[0] : undefined,
      call,
      commandArgs: call === undefined ? positionals.slice(1) : positionals,
      yes,
    };
  }
  const first = positionals[0];
  return {
    runner,
    packages: first === undefined ? [] : [{ spec: first, argIndex: offset + index, prefix: '' }],
    command: undefined,
    call: undefined,
    commandArgs: positionals.slice(1),
    yes,
  };
}

/** The file name of a command without its folder and Windows extension: `C:\\nodejs\\npx.cmd` is `npx`. */
export function commandName(command: string): string {
  return (command.split(/[\\/]/).pop() ?? command).replace(/\.(cmd|exe|bat|ps1)$/i, '').toLowerCase();
}

/** How an MCP server is started, as far as npm packages are concerned. */
export type ServerLaunch =
  | { readonly kind: 'runner'; readonly launch: Launch }
  /** `node_modules/.bin/<bin>`: a package already installed in a project. */
  | { readonly kind: 'installed-bin'; readonly binPath: string }
  /** Not an npm package: another program (node script, python, docker...). */
  | { readonly kind: 'other' };

/**
 * Which runner a server's command line uses, and what it fetches. `cmd /c npx …` (how Windows clients start npx) is
 * read through. `npm exec` and `npm x` are read with npx's syntax: npm stops at the first positional as well when
 * the options come first, as they do in every MCP config seen.
 */
export function serverLaunch(command: string, args: readonly string[], npxArgs: RunnerSyntax): ServerLaunch {
  const name = commandName(command);
  if (name === 'cmd' && /^\/c$/i.test(args[0] ?? '') && args[1] !== undefined) {
    const inner = serverLaunch(args[1], args.slice(2), npxArgs);
    return inner.kind === 'runner' ? { kind: 'runner', launch: shift(inner.launch, 2) } : inner;
  }
  if (name === 'npx') return { kind: 'runner', launch: parseRunnerArgs('npx', args, npxArgs) };
  if (name === 'bunx') return { kind: 'runner', launch: parseRunnerArgs('bunx', args, DLX_SYNTAX) };
  if (name === 'npm' && (args[0] === 'exec' || args[0] === 'x')) return { kind: 'runner', launch: parseRunnerArgs('npm exec', args.slice(1), npxArgs, 1) };
  if (name === 'pnpm' && args[0] === 'dlx') return { kind: 'runner', launch: parseRunnerArgs('pnpm dlx', args.slice(1), DLX_SYNTAX, 1) };
  if (name === 'yarn' && args[0] === 'dlx') return { kind: 'runner', launch: parseRunnerArgs('yarn dlx', args.slice(1), DLX_SYNTAX, 1) };
  if (name === 'bun' && args[0] === 'x') return { kind: 'runner', launch: parseRunnerArgs('bunx', args.slice(1), DLX_SYNTAX, 1) };
  if (/(^|[\\/])node_modules[\\/]\.bin[\\/][^\\/]+$/.test(command)) return { kind: 'installed-bin', binPath: command };
  return { kind: 'other' };
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
