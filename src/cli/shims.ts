import { spawn } from 'node:child_process';
import {
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  rmdirSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandArgs } from './args.js';
import { EXIT, type CliIo } from './io.js';
import { npmCommandList, npmPositionals } from './npm-argv.js';
import { toolPath } from './project-copy.js';
import { InputError } from '../errors.js';
import { SHIM_MARK, SHIM_TOOLS, npmGatedWords, pathWithout, profileLine, routeShim, shimCmd, shimScript, type ShimTool } from '../gate/shims.js';
import { escapeText } from '../text/escape.js';
import { readRegularFile } from '../tree/files.js';

export const SHIMS_HELP = `Usage: depwarden shims [--dir <dir>] | depwarden shims --remove [--dir <dir>]

Writes small shell scripts named npm, npx, pnpm, pnpx, yarn, bun and bunx into a folder (default:
$XDG_DATA_HOME/depwarden/shims, else ~/.local/share/depwarden/shims; %LOCALAPPDATA%\\depwarden\\shims
on Windows). With that folder first on PATH, the install-like commands of each tool go through
depwarden's gate: npm install/i/add/ci, pnpm install/add, yarn [install]/add, bun install/add become
\`depwarden install\`/\`ci\` with that manager; npm exec, npx, pnpm dlx, pnpx, yarn dlx, bun x and bunx
become \`depwarden npx\`; update, rebuild, create, dedupe, remove (pnpm, yarn, bun), link (bun, npm
with a package), pnpm deploy/patch-commit, yarn workspaces focus and global installs are refused with
a message. npm's commands are read in every spelling npm takes (aliases, abbreviations, camelCase),
from npm's own command list: run \`depwarden shims\` again after upgrading npm. Everything else goes
straight to the real tool, the first one on PATH after the shim folder.

It changes only that folder and never edits your shell profile: it prints the line to add.
--remove deletes only the files it wrote (they carry the line "${SHIM_MARK}").

Options:
  --dir <dir>   the shim folder
  --remove      delete the shims
  -h, --help    show this help
`;

/** The shim folder when --dir is not given: a data folder of the user's, never inside a project. */
export function defaultShimDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | undefined {
  if (platform === 'win32') return env.LOCALAPPDATA ? join(env.LOCALAPPDATA, 'depwarden', 'shims') : undefined;
  if (env.XDG_DATA_HOME) return join(env.XDG_DATA_HOME, 'depwarden', 'shims');
  return env.HOME ? join(env.HOME, '.local', 'share', 'depwarden', 'shims') : undefined;
}

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'depwarden.js');

export async function runShims(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { dir: { type: 'string' }, remove: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    io.stdout.write(SHIMS_HELP);
    return EXIT.clean;
  }
  if (positionals.length > 0) throw new InputError(`depwarden shims takes no arguments; found "${positionals[0]}"`);
  const platform = process.platform;
  const given = values.dir ?? defaultShimDir(io.env, platform);
  if (given === undefined) throw new InputError('no HOME (or LOCALAPPDATA) to put the shims under: name a folder with --dir');
  const dir = resolve(io.cwd, given);
  const files = SHIM_TOOLS.flatMap((tool) => (platform === 'win32' ? [`${tool}.cmd`] : [tool]));

  if (values.remove) {
    const removed = files.filter((file) => {
      if (!isOurs(join(dir, file))) return false;
      rmSync(join(dir, file));
      return true;
    });
    try {
      if (readdirSync(dir).length === 0) rmdirSync(dir);
    } catch {
      // Not there, or not empty: left as it is.
    }
    io.stdout.write(
      removed.length === 0
        ? `depwarden: no depwarden shims in ${dir}; nothing removed\n`
        : `depwarden: removed ${removed.join(', ')} from ${dir}\nRemove the line that puts ${dir} on PATH from your shell profile.\n`,
    );
    return EXIT.clean;
  }

  makeFolder(dir);
  // Anything there that is not a shim depwarden wrote (another tool, a symlink, even a dangling one, a folder) stays.
  const foreign = files.filter((file) => shimFileState(join(dir, file)) === 'foreign');
  if (foreign.length > 0) throw new InputError(`${dir} already holds ${foreign.join(', ')}, not written by depwarden: choose another folder with --dir`);
  const target = { node: process.execPath, bin: BIN, dir };
  // npm's spellings from the npm these shims hand on to: the first after the shim folder.
  const npmWords = platform === 'win32' ? [] : npmGatedWords(npmCommandList({ ...io.env, PATH: pathWithout(io.env.PATH, dir, delimiter) }));
  for (const tool of SHIM_TOOLS) {
    const file = join(dir, platform === 'win32' ? `${tool}.cmd` : tool);
    try {
      writeShim(file, platform === 'win32' ? shimCmd(tool, target) : shimScript(tool, target, npmWords));
    } catch (error) {
      throw new InputError(`cannot write the shim ${escapeText(file)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
  const first = (io.env.PATH ?? '').split(delimiter)[0];
  io.stdout.write(
    [
      `depwarden: wrote ${files.join(', ')} to ${dir}`,
      'They call this depwarden and this node:',
      `  ${process.execPath} ${BIN}`,
      '(run `depwarden shims` again after moving or reinstalling depwarden).',
      first === dir
        ? `${dir} is already first on PATH.`
        : `Nothing else changed. To use them, add this line at the end of your shell profile (~/.profile, ~/.bashrc, ~/.zshrc${platform === 'win32' ? ", or PowerShell's $PROFILE" : ''}), so that the folder comes first on PATH:`,
      ...(first === dir ? [] : [`  ${profileLine(dir, platform)}`]),
      'Undo with `depwarden shims --remove` and by deleting that line.',
      '',
    ].join('\n'),
  );
  return EXIT.clean;
}

/**
 * What a shim's path holds, never following a symlink: nothing, a regular file carrying the shim mark (ours), or
 * anything else (another tool, a symlink even when it dangles or points at a shim, a folder, a FIFO).
 */
function shimFileState(path: string): 'absent' | 'ours' | 'foreign' {
  let kind;
  try {
    kind = lstatSync(path);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'absent' : 'foreign';
  }
  if (!kind.isFile()) return 'foreign';
  try {
    return readRegularFile(path, path)?.includes(SHIM_MARK) ? 'ours' : 'foreign';
  } catch {
    return 'foreign';
  }
}

const isOurs = (path: string): boolean => shimFileState(path) === 'ours';

/**
 * Writes a shim as a new file: an old shim of ours is removed first, and the file is created exclusively without
 * following a symlink (O_EXCL, O_NOFOLLOW where the system has it), so a link put there meanwhile is never written
 * through.
 */
function writeShim(file: string, text: string): void {
  if (shimFileState(file) === 'ours') unlinkSync(file);
  const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o755);
  try {
    writeSync(fd, text);
    // The umask may have taken the executable bits.
    fchmodSync(fd, 0o755);
  } finally {
    closeSync(fd);
  }
}

/**
 * `depwarden shim <tool> <args>`, what a shim runs: the shim folder comes off PATH (every tool the gate starts
 * is then the real one, never a shim again), and the command goes to depwarden's gate, to the real tool, or is
 * refused. `main` is the CLI's entry, passed in to keep the modules acyclic.
 */
export async function runShim(argv: readonly string[], io: CliIo, main: (argv: readonly string[], io: CliIo) => Promise<number>): Promise<number> {
  const [tool, ...rest] = argv;
  if (tool === undefined || !(SHIM_TOOLS as readonly string[]).includes(tool)) {
    throw new InputError(`depwarden shim is what the shims of \`depwarden shims\` run: it needs one of ${SHIM_TOOLS.join(', ')}`);
  }
  const shimDir = io.env.DEPWARDEN_SHIM_DIR;
  const env: NodeJS.ProcessEnv = { ...io.env, PATH: shimDir ? pathWithout(io.env.PATH, shimDir, delimiter) : io.env.PATH };
  delete env.DEPWARDEN_SHIM_DIR;
  const inner = { ...io, env };
  const passEnv = { ...io.env };
  delete passEnv.DEPWARDEN_SHIM_DIR;
  const route = routeShim(tool as ShimTool, rest, { positionals: npmPositionals, deref: (word) => npmCommandList(env).deref(word) });
  if (route.kind === 'refuse') {
    io.stderr.write(`depwarden shim: ${escapeText(route.reason)}\n`);
    return EXIT.input;
  }
  if (route.kind === 'depwarden') return main(route.argv, inner);
  const real = toolPath(tool, env);
  if (real === undefined) throw new InputError(`no ${tool} on PATH${shimDir ? ` after ${shimDir}` : ''}`);
  return new Promise((done) => {
    const child = spawn(real, rest, { cwd: io.cwd, env: passEnv, stdio: 'inherit', shell: process.platform === 'win32' && /\.(cmd|bat)$/i.test(real) });
    child.on('error', (error) => {
      io.stderr.write(`depwarden shim: could not run ${real}: ${error.message}\n`);
      done(EXIT.npm);
    });
    child.on('close', (status) => done(status ?? EXIT.npm));
  });
}

/**
 * `mkdir -p` one folder at a time. node's `mkdirSync(…, { recursive: true })` never returns where mkdir answers
 * ENOENT for a parent that exists (procfs: `/proc/x`); here each missing folder is made once, and any error is one
 * line, exit 2.
 */
function makeFolder(dir: string): void {
  const missing: string[] = [];
  for (let folder = dir; !existsSync(folder); folder = dirname(folder)) {
    missing.unshift(folder);
    if (dirname(folder) === folder) break;
  }
  for (const folder of missing) {
    try {
      mkdirSync(folder);
    } catch (error) {
      throw new InputError(
        `cannot create the shims folder ${escapeText(dir)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message} at ${escapeText(folder)})`,
      );
    }
  }
  if (!statSync(dir).isDirectory()) throw new InputError(`cannot put shims in ${escapeText(dir)}: it is not a folder`);
}
