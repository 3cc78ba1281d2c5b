import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { oneOf, separateValue } from './args.js';
import { EXIT, type CliIo } from './io.js';
import { npmPositionals } from './npm-argv.js';
import { REPORT_HELP, analysisOptions, askedNamesSource, writeReport, type ReportSource, type ReportValues } from './report-options.js';
import { InputError } from '../errors.js';
import { gateCi, gateInstall, type GateVerdict } from '../gate/gate.js';
import { installWithPolicy, type NpmRunner } from '../gate/install.js';
import { diskFiles } from '../tree/files.js';
import { entryLines } from '../report/entry-lines.js';
import { isRecord } from '../tree/shape.js';
import { parseJsonText } from '../json.js';
import type { AnalyzeOptions } from '../analysis/analyze.js';
import { gateManagerCi, gateManagerInstall, installWithManager } from '../gate/manager-gate.js';
import { detectManager, managerPositionals, toolOf, type Manager } from '../gate/managers.js';
import { managerHost, requireTool } from './project-copy.js';

const GATE_HELP = (command: 'install' | 'ci') => `Usage: depwarden ${command} [package manager arguments] [depwarden options]

In an npm project it works out the tree \`npm ${command}\` is about to install${command === 'install' ? " (arborist's ideal tree, with the same\narguments and npm configuration)" : ' (the lockfile)'}, without touching the disk, and checks it with every rule,
registry facts included. On findings at or above the failing severity it stops with exit 1:
node_modules, package.json and the lockfile stay as they were. Otherwise it runs the real npm with
--ignore-scripts, then the install scripts of the packages the policy allows ({ "rule":
"install-script" } entries), then the project's own lifecycle scripts, in npm's order.

In a pnpm, yarn (classic or berry) or bun project (package.json packageManager or devEngines,
else the lockfile present) it ${command === 'install' ? "lets that manager write this install's lockfile into a temporary\ncopy of the project (pnpm --lockfile-only, yarn berry --mode=update-lockfile, bun --lockfile-only;\nyarn classic installs into the copy with --ignore-scripts) and judges the tree it pins" : 'judges the committed lockfile'};
then it runs the manager ${command === 'ci' ? '(frozen lockfile) ' : ''}with its own script blocking and the allowed scripts
(pnpm rebuild, else npm rebuild). Package names make it \`add\`. Arguments go to the manager as written.

Options (every other argument goes to the package manager):
  --manager <npm|pnpm|yarn|bun> use this manager instead of the one the project names
  --scripts <allowed|all>      allowed (default): only allowlisted install scripts run;
                               all: npm runs every script itself, as without depwarden
${REPORT_HELP}`;

export const INSTALL_HELP = GATE_HELP('install');
export const CI_HELP = GATE_HELP('ci');

/** depwarden's own options; --registry and --offline also go on to npm. */
const VALUE_OPTIONS = new Set(['--manager', '--scripts', '--fail-on', '--format', '--config', '--timeout', '--concurrency', '--osv-url', '--osv-data']);
const FLAG_OPTIONS = new Set(['--strict', '--color', '--no-color']);
const SHARED_VALUE = new Set(['--registry']);

interface GateArgs {
  values: Record<string, string | boolean | undefined>;
  npmArgs: string[];
  specs: string[];
  help: boolean;
}

export function splitGateArgs(argv: readonly string[]): GateArgs {
  const values: Record<string, string | boolean | undefined> = {};
  const npmArgs: string[] = [];
  let help = false;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--') {
      npmArgs.push(...argv.slice(index));
      break;
    }
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const valueOf = () => inline ?? separateValue(flag, argv[++index]);
    if (flag === '-h' || flag === '--help') help = true;
    else if (VALUE_OPTIONS.has(flag)) values[flag.slice(2)] = valueOf();
    else if (FLAG_OPTIONS.has(flag)) values[flag.slice(2)] = true;
    else if (SHARED_VALUE.has(flag)) {
      const value = valueOf();
      values[flag.slice(2)] = value;
      npmArgs.push(flag, value);
    } else if (flag === '--offline') {
      values.offline = true;
      npmArgs.push(arg);
    } else npmArgs.push(arg);
  }
  // What is left goes to npm; its package specs are what npm itself would take for positionals.
  return { values, npmArgs, specs: npmPositionals(npmArgs), help };
}

export async function runInstall(argv: readonly string[], io: CliIo): Promise<number> {
  return runGate('install', argv, io);
}

export async function runCi(argv: readonly string[], io: CliIo): Promise<number> {
  return runGate('ci', argv, io);
}

async function runGate(command: 'install' | 'ci', argv: readonly string[], io: CliIo): Promise<number> {
  const { values, npmArgs, specs, help } = splitGateArgs(argv);
  if (help) {
    io.stdout.write(GATE_HELP(command));
    return EXIT.clean;
  }
  const scripts = oneOf(values.scripts as string | undefined, ['allowed', 'all'] as const, '--scripts') ?? 'allowed';
  const dir = io.cwd;
  const files = diskFiles(dir);
  const options = analysisOptions(values as ReportValues, io, files);
  const manifest = parseJsonText(files.readText('package.json') ?? '{}', 'package.json');
  const { manager, because } = detectManager(isRecord(manifest) ? manifest : {}, (name) => files.readText(name), values.manager as string | undefined);
  if (manager !== 'npm') {
    requireTool(toolOf(manager), io.env, because);
    return runManagerGate({ command, manager, npmArgs, values, scripts, options, io });
  }
  if (command === 'ci' && specs.length > 0) throw new InputError('depwarden ci installs what the lockfile pins: it takes no package names');
  const verdict: GateVerdict = command === 'install' ? await gateInstall(specs, options) : await gateCi(options);
  const { analysis } = verdict;
  const code = writeReport(values as ReportValues, io, analysis, gateSource(verdict, dir, command, 'npm'));
  if (code !== EXIT.clean) {
    const what = verdict.stage === 'names' ? 'the packages asked for' : `the tree npm would ${command}`;
    io.stderr.write(`depwarden: ${command} refused: ${analysis.failing.length} finding(s) at or above ${analysis.failOn} in ${what}; nothing was installed\n`);
    return code;
  }

  return installWithPolicy({
    command,
    npmArgs,
    dir,
    policy: verdict.policy,
    scripts,
    npm: spawnNpm(io, { stdoutToStderr: reportIsDocument(values) }),
    warn: (line) => io.stderr.write(`${line}\n`),
  });
}

/**
 * What the gate's report says it checked: the names asked for (refused before any tree), the lockfile (ci), or the
 * tree an install would write: npm's is arborist's ideal tree from package.json (and the lockfile, if any); another
 * manager's is the lockfile it wrote in a copy of the project.
 */
function gateSource(verdict: GateVerdict, dir: string, command: 'install' | 'ci', tool: string): ReportSource {
  if (verdict.stage === 'names') return askedNamesSource(verdict.analysis.tree);
  const { sourceFile } = verdict.analysis.tree;
  if (command === 'ci') {
    const text = verdict.lockfileText;
    // As check's: SARIF and JSON point at each finding's entry in the lockfile, not at its first line.
    return { file: sourceFile, absolutePath: resolve(dir, sourceFile), text, lines: text === undefined ? undefined : entryLines(verdict.analysis.tree, text) };
  }
  const title =
    tool === 'npm'
      ? "the tree npm would install (arborist's ideal tree from package.json)"
      : `the tree ${tool} would install (the ${sourceFile} it wrote in a copy of the project)`;
  return { file: 'package.json', title, absolutePath: resolve(dir, 'package.json'), text: undefined };
}

/**
 * Whether stdout carries a document (json, sarif, github annotations, a markdown comment) rather than text for a
 * person: then the installer's own output (`added 1 package in 1s`) goes to stderr, or it would follow the report
 * and make it invalid JSON or SARIF, or a stray line in the comment.
 */
function reportIsDocument(values: Record<string, string | boolean | undefined>): boolean {
  return (values.format ?? 'text') !== 'text';
}

interface ManagerGateRun {
  command: 'install' | 'ci';
  manager: Exclude<Manager, 'npm'>;
  npmArgs: string[];
  values: Record<string, string | boolean | undefined>;
  scripts: 'allowed' | 'all';
  options: AnalyzeOptions;
  io: CliIo;
}

/** pnpm, yarn and bun: the same gate, with the manager's own lockfile-only mode and script blocking (src/gate/manager-gate.ts). */
async function runManagerGate({ command, manager, npmArgs, values, scripts, options, io }: ManagerGateRun): Promise<number> {
  const specs = managerPositionals(manager, npmArgs);
  if (command === 'ci' && specs.length > 0) throw new InputError('depwarden ci installs what the lockfile pins: it takes no package names');
  const host = managerHost(io, { stdoutToStderr: reportIsDocument(values) });
  const verdict = command === 'install' ? await gateManagerInstall(manager, specs, npmArgs, options, host) : await gateManagerCi(manager, options);
  const { analysis } = verdict;
  const code = writeReport(values as ReportValues, io, analysis, gateSource(verdict, io.cwd, command, toolOf(manager)));
  if (code !== EXIT.clean) {
    const what =
      verdict.stage === 'names' ? 'the packages asked for' : `the tree ${toolOf(manager)} would ${command === 'ci' ? 'install from its lockfile' : 'install'}`;
    io.stderr.write(`depwarden: ${command} refused: ${analysis.failing.length} finding(s) at or above ${analysis.failOn} in ${what}; nothing was installed\n`);
    return code;
  }
  return installWithManager({ manager, command, specs, args: npmArgs, dir: io.cwd, policy: verdict.policy, scripts, host });
}

/**
 * The real npm, in the project folder, with the user's terminal; its failures keep their own message.
 * `stdoutToStderr`: npm's output goes to stderr, so that the command's own stdout stays its report.
 */
export const spawnNpm =
  (io: CliIo, { stdoutToStderr = false } = {}): NpmRunner =>
  (args, cwd) =>
    new Promise((done) => {
      const child = spawn('npm', args, { cwd, env: io.env, stdio: ['ignore', stdoutToStderr ? 2 : 'inherit', 'inherit'] });
      child.on('error', (error) => {
        io.stderr.write(`depwarden: could not run npm: ${error.message}\n`);
        done(EXIT.npm);
      });
      child.on('close', (status) => done(status === 0 ? EXIT.clean : EXIT.npm));
    });
