import { spawn } from 'node:child_process';
import { accessSync, constants, cpSync, lstatSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { EXIT, type CliIo } from './io.js';
import { jsYaml, mapWorkspaces } from '../cjs.js';
import { InputError } from '../errors.js';
import type { ManagerHost, ToolRunner } from '../gate/manager-gate.js';
import { MANAGER_FILES, type Manager, type ManagerTool } from '../gate/managers.js';
import { findTool } from '../gate/shims.js';
import { diskFiles } from '../tree/files.js';
import { installedPackages } from '../tree/installed.js';
import { isRecord, type JsonRecord } from '../tree/shape.js';
import { parseJsonText } from '../json.js';

/** The disk and process side of the pnpm/yarn/bun gate (src/gate/manager-gate.ts). */
export function managerHost(io: CliIo, { stdoutToStderr = false } = {}): ManagerHost {
  return {
    run: spawnTool(io, stdoutToStderr),
    copyProject,
    remove: (dir) => rmSync(dir, { recursive: true, force: true }),
    toolVersion: toolVersion(io),
    installedPackages,
    projectScripts: (dir) => {
      const manifest = readManifest(dir, 'package.json');
      return isRecord(manifest?.scripts) ? manifest.scripts : {};
    },
    warn: (line) => io.stderr.write(`${line}\n`),
  };
}

/** Where the real tool is on the user's PATH (corepack's shims included), or an input error that says what to do. */
export function requireTool(tool: ManagerTool, env: NodeJS.ProcessEnv, because: string): string {
  const found = toolPath(tool, env);
  if (found) return found;
  // corepack provides pnpm and yarn only: bun comes from its own installer or its npm package.
  const advice =
    tool === 'bun'
      ? 'install bun (its own installer, or `npm install --global bun`; corepack does not provide bun)'
      : 'install it, or run `corepack enable` to use the version package.json pins';
  throw new InputError(`this project installs with ${tool} (${because}), but there is no ${tool} on PATH: ${advice}`);
}

export function toolPath(tool: string, env: NodeJS.ProcessEnv): string | undefined {
  const windows = process.platform === 'win32';
  return findTool(tool, env.PATH ?? env.Path, {
    delimiter,
    join,
    extensions: windows ? (env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').map((extension) => extension.toLowerCase()) : [''],
    isExecutable: (path) => {
      try {
        if (!statSync(path).isFile()) return false;
        accessSync(path, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    },
  });
}

/**
 * The package managers, found on PATH. Output goes to stderr when the run happens in the temporary copy (the
 * command's stdout stays its report); a manager's failure keeps its own message.
 */
/** `stdoutToStderr`: the tool's output goes to stderr even in the project, so that stdout stays the report. */
function spawnTool(io: CliIo, stdoutToStderr: boolean): ToolRunner {
  return (tool, args, cwd, env = {}) =>
    new Promise((done) => {
      const path = toolPath(tool, io.env);
      if (path === undefined) {
        io.stderr.write(`depwarden: could not run ${tool}: it is not on PATH\n`);
        done(EXIT.npm);
        return;
      }
      const inProject = resolve(cwd) === resolve(io.cwd);
      const child = spawn(path, args, {
        cwd,
        env: { ...io.env, ...env },
        stdio: ['ignore', inProject && !stdoutToStderr ? 'inherit' : 2, 'inherit'],
        shell: process.platform === 'win32' && /\.(cmd|bat)$/i.test(path),
      });
      child.on('error', (error) => {
        io.stderr.write(`depwarden: could not run ${tool}: ${error.message}\n`);
        done(EXIT.npm);
      });
      child.on('close', (status) => done(status === 0 ? EXIT.clean : EXIT.npm));
    });
}

/** `<tool> --version` in `dir`, its stdout; undefined when the tool is missing or fails. */
function toolVersion(io: CliIo): ManagerHost['toolVersion'] {
  return (tool, dir) =>
    new Promise((done) => {
      const path = toolPath(tool, io.env);
      if (path === undefined) return done(undefined);
      let stdout = '';
      const child = spawn(path, ['--version'], {
        cwd: dir,
        env: io.env,
        stdio: ['ignore', 'pipe', 'inherit'],
        shell: process.platform === 'win32' && /\.(cmd|bat)$/i.test(path),
      });
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.on('error', () => done(undefined));
      child.on('close', (status) => done(status === 0 ? stdout : undefined));
    });
}

/**
 * A temporary copy of what decides the manager's resolution: package.json, the manager's lockfile and config
 * files, each workspace's package.json (pnpm-workspace.yaml's `packages`, else `workspaces`, matched as npm
 * matches them), and the folders of local `file:`/`link:`/`portal:` dependencies inside the project. Only regular
 * files and folders are copied; node_modules never.
 */
async function copyProject(dir: string, manager: Exclude<Manager, 'npm'>): Promise<string> {
  const copy = mkdtempSync(join(tmpdir(), `depwarden-${manager}-`));
  try {
    const manifest = readManifest(dir, 'package.json') ?? {};
    copyEntry(dir, copy, 'package.json');
    for (const name of MANAGER_FILES[manager]) copyEntry(dir, copy, name);
    const manifests: [string, JsonRecord][] = [['', manifest]];
    const globs = workspaceGlobs(dir, manager, manifest);
    if (globs.length > 0) {
      let folders: Map<string, string>;
      try {
        folders = await mapWorkspaces()({ cwd: dir, pkg: { workspaces: globs } });
      } catch (error) {
        throw new InputError(`the workspaces cannot be read: ${(error as Error).message.split('\n')[0]}`, 'package.json');
      }
      for (const folder of folders.values()) {
        const path = relative(dir, folder);
        copyEntry(dir, copy, join(path, 'package.json'));
        manifests.push([path, readManifest(dir, join(path, 'package.json')) ?? {}]);
      }
    }
    for (const [path, workspace] of manifests) {
      for (const local of localFolders(workspace)) {
        const target = relative(dir, resolve(dir, path, local));
        if (target === '' || target.startsWith('..') || isAbsolute(target)) continue;
        copyEntry(dir, copy, target);
      }
    }
    return copy;
  } catch (error) {
    rmSync(copy, { recursive: true, force: true });
    throw error;
  }
}

function copyEntry(from: string, to: string, path: string): void {
  let stats;
  try {
    stats = lstatSync(join(from, path));
  } catch {
    return;
  }
  if (!stats.isFile() && !stats.isDirectory()) return;
  mkdirSync(dirname(join(to, path)), { recursive: true });
  cpSync(join(from, path), join(to, path), {
    recursive: true,
    filter: (source) => {
      const name = relative(from, source).split(/[\\/]/).pop();
      return name !== 'node_modules' && name !== '.git';
    },
  });
}

function workspaceGlobs(dir: string, manager: Exclude<Manager, 'npm'>, manifest: JsonRecord): string[] {
  if (manager === 'pnpm') {
    const text = diskFiles(dir).readText('pnpm-workspace.yaml');
    if (text === undefined) return [];
    let config: unknown;
    try {
      config = jsYaml().load(text);
    } catch (error) {
      throw new InputError(`is not valid YAML: ${(error as Error).message.split('\n')[0]}`, 'pnpm-workspace.yaml');
    }
    const packages = isRecord(config) ? config.packages : undefined;
    return Array.isArray(packages) ? packages.filter((glob): glob is string => typeof glob === 'string') : [];
  }
  const field = manifest.workspaces;
  const globs = isRecord(field) ? field.packages : field;
  return Array.isArray(globs) ? globs.filter((glob): glob is string => typeof glob === 'string') : [];
}

/** The relative folders a manifest's local dependencies point at. */
function localFolders(manifest: JsonRecord): string[] {
  const found: string[] = [];
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) {
    const deps = manifest[field];
    if (!isRecord(deps)) continue;
    for (const spec of Object.values(deps)) {
      const match = typeof spec === 'string' ? /^(?:file|link|portal):(.+)$/.exec(spec) : null;
      if (match) found.push(match[1]!);
    }
  }
  return found;
}

function readManifest(dir: string, path: string): JsonRecord | undefined {
  const text = diskFiles(dir).readText(path);
  if (text === undefined) return undefined;
  const value = parseJsonText(text, path);
  return isRecord(value) ? value : undefined;
}
