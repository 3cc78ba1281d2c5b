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
  if (name === 'cmd' && /^\/c$/i.test(args[0] ?? '') && args[1] !== undefined) {
    const inner = serverLaunch(args[1], args.slice(2), npxArgs);
    return inner.kind === 'runner' ? { ...inner, launch: shift(inner.launch, 2) } : inner;
  }
  if (name === 'env') return throughEnv(args, npxArgs);
  if (SHELLS.has(name)) return throughShell(name, args, npxArgs);
  if (name === 'npx') return { kind: 'runner', launch: parseRunnerArgs('npx', args, npxArgs) };
  if (name === 'bunx') return { kind: 'runner', launch: parseRunnerArgs('bunx', args, DLX_SYNTAX) };
  if (name === 'npm' && (args[0] === 'exec' || args[0] === 'x')) return { kind: 'runner', launch: parseRunnerArgs('npm exec', args.slice(1), npxArgs, 1) };
  if (name === 'pnpm' && args[0] === 'dlx') return { kind: 'runner', launch: parseRunnerArgs('pnpm dlx', args.slice(1), DLX_SYNTAX, 1) };
  if (name === 'yarn' && args[0] === 'dlx') return { kind: 'runner', launch: parseRunnerArgs('yarn dlx', args.slice(1), DLX_SYNTAX, 1) };
  if (name === 'bun' && args[0] === 'x') return { kind: 'runner', launch: parseRunnerArgs('bunx', args.slice(1), DLX_SYNTAX, 1) };
  if (/(^|[\\/])node_modules[\\/]\.bin[\\/][^\\/]+$/.test(command)) return { kind: 'installed-bin', binPath: command };
  return { kind: 'other', program: command };
}

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash']);
/** GNU and BSD env's switches, alone or combined (`-iv`); `-` alone is `-i`. */
const ENV_SWITCHES = /^(?:-[i0v]+|-|--ignore-environment|--null|--debug|--(?:default|ignore|block)-signal(?:=.*)?|--(?:unset|chdir)=.*|-[uC].+)$/;
const ENV_VALUED = new Set(['-u', '--unset', '-C', '--chdir', '-P']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** `env [options] [NAME=value…] command args…`: the command, its arguments shifted past env's own. */
function throughEnv(args: readonly string[], npxArgs: RunnerSyntax): ServerLaunch {
  let index = 0;
  for (; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === '--') {
      index++;
      break;
    }
    if (ENV_VALUED.has(arg)) index++;
    else if (ENV_SWITCHES.test(arg)) continue;
    // `-S` splits a string by env's own quoting rules, and any option not listed may take a value: fail closed.
    else if (arg.startsWith('-')) return { kind: 'unreadable', reason: `env option ${arg}` };
    else break;
  }
  while (index < args.length && ASSIGNMENT.test(args[index]!)) index++;
  if (index >= args.length) return { kind: 'other', program: 'env' };
  const inner = serverLaunch(args[index]!, args.slice(index + 1), npxArgs);
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
  const inner = serverLaunch(words[start]!, words.slice(start + 1), npxArgs);
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
