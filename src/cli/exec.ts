import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { EXIT, type CliIo } from './io.js';
import { npmOptionNames, npmSwitches } from './npm-argv.js';
import { REPORT_HELP, analysisOptions, askedNamesSource, writeReport, type ReportSource, type ReportValues } from './report-options.js';
import { InputError } from '../errors.js';
import { separateValue } from './args.js';
import { spawnNpm } from './install.js';
import { execCommand, execScripts, gateExec, installChecked, pinnedSpec, type ExecCommand, type ExecVerdict } from '../gate/exec.js';
import { whereExecRuns, type LocalInstall } from '../gate/exec-local.js';
import { execFolderStore } from '../registry/exec-folders.js';
import { loadNpmSettings } from '../registry/npm-config.js';
import { npmEnvironment, npxOptionsEnd, npxSyntax, parseRunnerArgs, type Launch } from '../npm/launch.js';
import { toolPath } from './project-copy.js';
import { installedVersions } from '../tree/arborist.js';
import { parseJsonText } from '../json.js';
import { escapeName, escapeText } from '../text/escape.js';
import { diskFiles, readRegularFile, readRequired } from '../tree/files.js';

const RUN_TEXT = `Resolves the package and its whole tree as \`npm exec\` would (arborist's ideal tree, your npm
configuration), without installing or running anything, and checks it with every rule, registry
facts included. On findings at or above the failing severity it stops with exit 1 and nothing runs.
Otherwise it installs exactly the tree it checked, from that tree's lockfile (\`npm ci
--ignore-scripts\`, nothing resolved again), into a private folder under npm's cache
(_depwarden-exec, reused while the tree is the same), runs the install scripts the policy allows
({ "rule": "install-script" } entries), and runs the command from there. The command's stdin,
stdout and stderr are its own, and its exit code is depwarden's. A tag or range
(\`some-mcp@latest\`) is named with the version it resolved to. The report goes to stderr.

What the project has installed is not fetched, as with npm exec: a command that is the project's
own bin, a node_modules/.bin entry of the project or a folder above, or a global bin; a package
installed in the project's tree in the version or range asked for; a -c line without --package.
That runs through npx as npm exec runs it (one line on stderr says so; check and ci judge that
tree). With several --package, only those not installed are checked and fetched.`;

export const EXEC_HELP = `Usage: depwarden exec [depwarden options] <package-spec> [-- <args>...]

${RUN_TEXT}

Options:
${REPORT_HELP}`;

export const NPX_HELP = `Usage: depwarden npx [depwarden options] [-y] [-p <package>]... [-c <command> | <package> [args...]]

Takes npx's own arguments: -y/--yes, -p/--package (repeatable; the first positional argument is
then the command), -c/--call; otherwise the first positional argument is the package to run and
everything after it goes to that command. depwarden's options go before the first positional.
npx's own --registry, --@scope:registry and --userconfig are followed: the tree is checked and
installed from where they point.

${RUN_TEXT}

Options:
${REPORT_HELP}`;

const VALUE_OPTIONS = new Set(['--fail-on', '--format', '--config', '--timeout', '--concurrency', '--registry', '--osv-url', '--osv-data']);
const FLAG_OPTIONS = new Set(['--strict', '--color', '--no-color', '--offline']);

/** depwarden's options, taken from the front of the arguments until the first one that is not one. */
function takeOwnOptions(argv: readonly string[]): { values: Record<string, string | boolean>; rest: string[]; help: boolean } {
  const values: Record<string, string | boolean> = {};
  let index = 0;
  let help = false;
  for (; index < argv.length; index++) {
    const arg = argv[index]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '-h' || flag === '--help') help = true;
    else if (FLAG_OPTIONS.has(flag)) values[flag.slice(2)] = true;
    else if (VALUE_OPTIONS.has(flag)) {
      values[flag.slice(2)] = inline ?? separateValue(flag, argv[++index]);
    } else break;
  }
  return { values, rest: argv.slice(index), help };
}

export async function runExec(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, rest, help } = takeOwnOptions(argv);
  if (help) {
    io.stdout.write(EXEC_HELP);
    return EXIT.clean;
  }
  const [spec, ...after] = rest;
  if (spec === undefined || spec.startsWith('-')) throw new InputError('depwarden exec needs a package spec: depwarden exec <package-spec> [-- <args>...]');
  if (after.length > 0 && after[0] !== '--')
    throw new InputError(`depwarden's options go before the package spec, arguments for the command after "--": ${suggestedExec(argv, spec, after)}`);
  const launch: Launch = {
    runner: 'npm exec',
    packages: [{ spec, argIndex: 0, prefix: '' }],
    command: undefined,
    call: undefined,
    commandArgs: after.slice(1),
    yes: true,
    settings: [],
  };
  return gateAndRun(launch, values, io, ['--yes=false', spec, ...after.slice(1)]);
}

/**
 * The command line meant by `depwarden exec <spec> <words…> [-- <args>…]`: depwarden's own options among the words
 * move before the spec (where exec takes them), the other words go after `--`, ahead of the arguments given there.
 */
function suggestedExec(argv: readonly string[], spec: string, after: readonly string[]): string {
  const dash = after.indexOf('--');
  const words = dash === -1 ? after : after.slice(0, dash);
  const { own, other } = splitOwnOptions(words);
  const before = argv.slice(0, argv.length - after.length - 1);
  const command = [...other, ...(dash === -1 ? [] : after.slice(dash + 1))];
  return ['depwarden', 'exec', ...before, ...own, spec, ...(command.length ? ['--', ...command] : [])].map(shellWord).join(' ');
}

/** depwarden's own options (with their values) among words, wherever they stand, and the rest in order. */
function splitOwnOptions(words: readonly string[]): { own: string[]; other: string[] } {
  const own: string[] = [];
  const other: string[] = [];
  for (let index = 0; index < words.length; index++) {
    const word = words[index]!;
    const flag = word.startsWith('--') && word.includes('=') ? word.slice(0, word.indexOf('=')) : word;
    if (FLAG_OPTIONS.has(flag)) own.push(word);
    else if (VALUE_OPTIONS.has(flag) && flag !== word) own.push(word);
    else if (VALUE_OPTIONS.has(flag) && index + 1 < words.length) own.push(word, words[++index]!);
    else other.push(word);
  }
  return { own, other };
}

/** A word as a POSIX shell reads it back: quoted when it holds anything but plain characters. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/u.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

export async function runNpx(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, rest, help } = takeOwnOptions(argv);
  if (help) {
    io.stdout.write(NPX_HELP);
    return EXIT.clean;
  }
  const syntax = npxSyntax(npmSwitches(), npmOptionNames());
  const launch = parseRunnerArgs('npx', rest, syntax);
  if (launch.packages.length === 0 && launch.call === undefined) {
    throw new InputError('depwarden npx needs a package to run: depwarden npx [-y] <package> [args...]');
  }
  // npx's own `--registry`/`--userconfig` decide where the packages come from: checked and installed from there.
  const applied = npmEnvironment(io.env, launch.settings);
  if ('unfollowed' in applied) throw new InputError(applied.unfollowed);
  // Handed to npx as given, with --yes=false last among npx's options: should npx find something to install after
  // all (where depwarden read the local install otherwise), it refuses instead of fetching it unchecked.
  const end = npxOptionsEnd(rest, syntax);
  return gateAndRun(launch, values, { ...io, env: applied.env }, [...rest.slice(0, end), '--yes=false', ...rest.slice(end)]);
}

/** What exec's and mcp's reports say they checked: the names asked for (refused before any tree), or the tree npm exec would fetch. */
export function execSource(verdict: ExecVerdict): ReportSource {
  if (verdict.stage === 'names') return askedNamesSource(verdict.analysis.tree);
  return {
    file: '(npm exec)',
    title: "the tree npm exec would fetch (arborist's ideal tree of the packages asked for)",
    absolutePath: undefined,
    text: undefined,
  };
}

/**
 * `npxArgs`: the arguments for the real npx when npm exec would run what is installed (the project's executables,
 * a global one, or a `-c` line without packages): nothing is fetched, so nothing is judged here, and npx runs it as
 * it would (its PATH, its npm_* environment). Otherwise the packages that are not installed are judged and run.
 */
async function gateAndRun(launch: Launch, values: ReportValues, io: CliIo, npxArgs: readonly string[]): Promise<number> {
  const npmSettings = await loadNpmSettings(io.cwd, io.env, values.registry);
  const source = await whereExecRuns(launch, diskInstall(npmSettings.localPrefix, npmSettings.globalPrefix));
  if (source.kind === 'local') {
    io.stderr.write(`depwarden: npm exec runs the installed copy, nothing is fetched (${escapeText(source.why)}; depwarden check/ci judge that tree)\n`);
    const npx = toolPath('npx', io.env);
    if (npx === undefined) throw new InputError('no npx on PATH to run it with');
    return runProgram(npx, npxArgs, io, { env: io.env, shell: process.platform === 'win32' && /\.(cmd|bat)$/i.test(npx), shown: 'npx' });
  }
  const specs = source.specs;
  // The command's stdout is its own (an MCP server speaks JSON-RPC on it): depwarden writes to stderr only.
  const reportIo: CliIo = { ...io, stdout: io.stderr };
  const verdict: ExecVerdict = await gateExec(specs, analysisOptions(values, reportIo, diskFiles(io.cwd)));
  const { analysis } = verdict;
  for (const resolved of verdict.launches) {
    const pin = pinnedSpec(resolved);
    if (pin !== resolved.spec) io.stderr.write(`depwarden: resolved ${escapeName(resolved.spec)} to ${escapeName(pin)}\n`);
  }
  if (analysis.result.findings.length > 0 || analysis.failing.length > 0) {
    const code = writeReport(values, reportIo, analysis, execSource(verdict));
    if (code !== EXIT.clean) {
      const what = verdict.stage === 'names' ? 'the packages asked for' : 'the tree npm exec would fetch';
      io.stderr.write(`depwarden: exec refused: ${analysis.failing.length} finding(s) at or above ${analysis.failOn} in ${what}; nothing was run\n`);
      return code;
    }
  }

  const scripts = execScripts(analysis.tree, verdict.policy);
  for (const node of scripts.blocked) {
    io.stderr.write(`depwarden: blocked the install scripts of ${escapeName(`${node.name}@${node.version ?? '?'}`)}: the policy does not allow them\n`);
  }
  const command = execCommand(launch, verdict.launches);
  if (verdict.lockfile === undefined || verdict.installRoot === undefined) throw new Error('a tree that passed has its lockfile');
  const installed = await installChecked({
    lockfile: verdict.lockfile,
    allowed: scripts.allowed,
    // What depwarden checked against is what npm fetches from.
    npmOptions: [...(values.registry ? [`--registry=${values.registry}`] : []), ...(values.offline ? ['--offline'] : [])],
    ...(verdict.projectConfig === undefined ? {} : { projectConfig: readRequired(diskFiles(dirname(verdict.projectConfig)), verdict.projectConfig) }),
    folders: execFolderStore(verdict.installRoot),
    // npm's own output goes to stderr and it never reads stdin: both belong to the command (an MCP server's JSON-RPC).
    npm: spawnNpm(io, { stdoutToStderr: true }),
  });
  if ('failed' in installed) {
    io.stderr.write('depwarden: npm could not install the checked tree; nothing was run\n');
    return installed.failed;
  }
  return runCommand(command, installed.folder, io);
}

/**
 * What npm exec finds installed, read from the disk: the project's package.json `bin`, the `node_modules/.bin`
 * folders from the project up to the root, npm's global bin folder, and arborist's actual tree (loaded once, when a
 * package spec needs it).
 */
function diskInstall(prefix: string, globalPrefix: string): LocalInstall {
  const isFile = (path: string) => {
    try {
      return statSync(path).isFile();
    } catch {
      return false;
    }
  };
  const windows = process.platform === 'win32';
  const globalBin = windows ? globalPrefix : join(globalPrefix, 'bin');
  let installed: Promise<ReadonlyMap<string, readonly string[]>> | undefined;
  return {
    prefix,
    projectHasBin: (name) => projectBins(prefix).includes(name),
    localBinDir: (name) => {
      for (let dir = prefix; ; dir = dirname(dir)) {
        const bins = join(dir, 'node_modules', '.bin');
        if (isFile(join(bins, name))) return bins;
        if (dirname(dir) === dir) return undefined;
      }
    },
    // npm looks there only when its global prefix is not the project (`--prefix` sets both).
    globalHasBin: (name) => resolve(globalPrefix) !== resolve(prefix) && isFile(join(globalBin, name)),
    installedVersions: async (name) => (await (installed ??= installedVersions(prefix))).get(name) ?? [],
  };
}

/**
 * The executables a package.json declares, as npm normalises `bin` (npm-normalize-package-bin): a string is one
 * named after the package without its scope. Read by hand: pacote's directory manifest is the network layer's.
 */
function projectBins(prefix: string): string[] {
  let manifest: unknown;
  try {
    manifest = parseJsonText(readRegularFile(join(prefix, 'package.json'), 'package.json') ?? 'null', 'package.json');
  } catch {
    return []; // npm's hasPkgBin answers no to a manifest it cannot read.
  }
  if (typeof manifest !== 'object' || manifest === null) return [];
  const { name, bin } = manifest as { name?: unknown; bin?: unknown };
  if (typeof bin === 'string') return typeof name === 'string' ? [name.replace(/^@[^/]+\//, '')] : [];
  return typeof bin === 'object' && bin !== null ? Object.keys(bin) : [];
}

/**
 * The command, from the installed tree, as `npm exec` runs it: the tree's executables first on PATH, the user's
 * terminal, the working folder and environment; its exit code is depwarden's (128 + n when a signal ended it).
 * SIGINT, SIGTERM and SIGHUP sent to depwarden go on to it, as npm passes them on.
 */
function runCommand(command: ExecCommand, folder: string, io: CliIo): Promise<number> {
  const bins = join(folder, 'node_modules', '.bin');
  // Then, as npm's run-script sets PATH, the node_modules/.bin of the working folder and of each folder above it:
  // a package of the command line that is installed locally was not fetched again.
  const local: string[] = [];
  for (let dir = resolve(io.cwd); ; dir = dirname(dir)) {
    local.push(join(dir, 'node_modules', '.bin'));
    if (dirname(dir) === dir) break;
  }
  const env = { ...io.env, PATH: [bins, ...local, io.env.PATH].filter(Boolean).join(delimiter) };
  const windows = process.platform === 'win32';
  if (command.kind === 'call') return runProgram(command.line, [], io, { env, shell: true, shown: command.line });
  // Exactly the tree's executable when it has one of that name; else, as npm does, whatever PATH finds.
  const own = join(bins, windows ? `${command.name}.cmd` : command.name);
  return runProgram(existsSync(own) ? own : command.name, command.args, io, { env, shell: windows, shown: command.name });
}

/** A program with the user's terminal and working folder; its exit code is depwarden's, signals go on to it. */
function runProgram(file: string, args: readonly string[], io: CliIo, options: { env: NodeJS.ProcessEnv; shell: boolean; shown: string }): Promise<number> {
  const child: ChildProcess = spawn(file, [...args], { cwd: io.cwd, env: options.env, stdio: 'inherit', shell: options.shell });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  const forwarded = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of forwarded) process.on(signal, forward);
  return new Promise((done) => {
    let ended = false;
    const end = (code: number) => {
      if (ended) return;
      ended = true;
      for (const name of forwarded) process.off(name, forward);
      done(code);
    };
    child.on('error', (error) => {
      io.stderr.write(`depwarden: could not run ${escapeText(options.shown)}: ${escapeText(error.message)}\n`);
      end(EXIT.npm);
    });
    child.on('close', (status, signal) => end(status ?? (signal ? 128 + signalNumber(signal) : EXIT.npm)));
  });
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };
const signalNumber = (signal: NodeJS.Signals): number => SIGNALS[signal] ?? 0;
