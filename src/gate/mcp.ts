import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import type { AnalyzeOptions } from '../analysis/analyze.js';
import { isInputError } from '../errors.js';
import { npa } from '../cjs.js';
import { envSetting, isPinnedSpec, npmEnvironment, serverLaunch, type FetchSetting, type Runner, type npxSyntax } from '../npm/launch.js';
import { gateExec, pinnedSpec, type ExecVerdict } from './exec.js';
import { replaceServerArg, serverName, type McpServerEntry } from './mcp-config.js';

/** How npx and npm exec read their arguments (npxSyntax, with npm's switches loaded by the caller). */
export type RunnerSyntax = ReturnType<typeof npxSyntax>;

/** The config files of the common MCP clients: in the project, then in the user's folders. */
export function mcpConfigCandidates(cwd: string, env: NodeJS.ProcessEnv): string[] {
  const home = env.HOME ?? env.USERPROFILE;
  const project = ['.mcp.json', join('.cursor', 'mcp.json'), join('.vscode', 'mcp.json')].map((file) => join(cwd, file));
  const user = home
    ? [
        // Claude Code: user-wide servers, and each project's under `projects` (`.mcp.json` above is its shared file).
        join(home, '.claude.json'),
        join(home, 'Library', 'Application Support', 'Claude', 'claude_desktop_config.json'),
        join(home, '.config', 'Claude', 'claude_desktop_config.json'),
        join(home, '.cursor', 'mcp.json'),
        join(home, '.codeium', 'windsurf', 'mcp_config.json'),
      ]
    : [];
  const appData = env.APPDATA ? [join(env.APPDATA, 'Claude', 'claude_desktop_config.json')] : [];
  return [...new Set([...project, ...user, ...appData])];
}

export type ServerStatus = 'refused' | 'unpinned' | 'ok' | 'not checked' | 'cannot judge';

/** One config file: its absolute path, and how the output names it. */
export interface McpConfigFile {
  readonly path: string;
  readonly shown: string;
}

export interface ServerResult {
  readonly config: McpConfigFile;
  readonly entry: McpServerEntry;
  readonly status: ServerStatus;
  readonly note: string;
  readonly verdict?: ExecVerdict;
}

/** What judging a server reads of the disk (a server started from `node_modules/.bin`): passed in. */
export interface McpDisk {
  exists(path: string): boolean;
  realpath(path: string): string;
  /** The file's text, undefined when missing. */
  readText(path: string): string | undefined;
}

/** The packages a server's command line fetches, or its verdict when it fetches none depwarden can judge. */
export function serverSpecs(
  entry: McpServerEntry,
  configDir: string,
  syntax: RunnerSyntax,
  disk: McpDisk,
):
  | {
      readonly specs: string[];
      /** Undefined: the packages are installed already, nothing is fetched. */
      readonly settings?: readonly FetchSetting[];
      readonly runner?: Runner;
    }
  | { readonly status: 'not checked' | 'cannot judge' | 'refused'; readonly note: string } {
  if (entry.command === undefined) return { status: 'not checked', note: `remote server (${entry.url}): nothing is installed or run locally` };
  const started = serverLaunch(entry.command, entry.args, syntax);
  if (started.kind === 'other') return { status: 'not checked', note: `runs ${started.program}: not an npm package launch` };
  // Fail closed: a line whose meaning depends on the shell could start any package; refused as a finding would be.
  if (started.kind === 'unreadable') {
    return { status: 'refused', note: `cannot tell what it starts (${started.reason}): write the server's command and arguments as a plain list` };
  }
  if (started.kind === 'installed-bin') {
    const installed = installedPackageOf(started.binPath, configDir, disk);
    if (typeof installed !== 'object') return { status: 'cannot judge', note: installed };
    return { specs: [`${installed.name}@${installed.version}`] };
  }
  const specs = started.launch.packages.map((entry) => entry.spec);
  if (specs.length === 0) return { status: 'cannot judge', note: `${started.launch.runner} names no package` };
  return { specs, settings: started.launch.settings, runner: started.launch.runner };
}

/**
 * The environment npm runs with when the client starts the server: the user's, then the config's `envFile` and
 * `env`, then the launch's own settings (`env NAME=value`, `--registry`), the last one winning as it does for the
 * runner. Only what moves where packages come from is taken; so a server that starts npx against another registry
 * is judged against that registry. A setting npm's config cannot express, or a value the client fills in itself
 * (`${input:…}`), cannot be followed: the server cannot be judged.
 */
export function serverEnvironment(
  entry: McpServerEntry,
  launchSettings: readonly FetchSetting[],
  configDir: string,
  userEnv: NodeJS.ProcessEnv,
  disk: McpDisk,
): { readonly env: NodeJS.ProcessEnv; readonly settings: readonly FetchSetting[] } | { readonly status: 'cannot judge'; readonly note: string } {
  const fromFile = entry.envFile === undefined ? {} : readEnvFile(entry.envFile, configDir, disk);
  if (typeof fromFile === 'string') return { status: 'cannot judge', note: fromFile };
  const settings = Object.entries({ ...fromFile, ...entry.env })
    .flatMap(([name, value]) => envSetting(name, value) ?? [])
    .concat(launchSettings);
  const applied = npmEnvironment(userEnv, settings);
  if ('unfollowed' in applied) return { status: 'cannot judge', note: applied.unfollowed };
  return { env: applied.env, settings };
}

/**
 * yarn dlx and bunx take their registry from their own config files (`.yarnrc.yml`'s npmRegistryServer, bunfig's
 * `[install] registry`), which depwarden does not read: the first such file in the server's folder or HOME.
 */
function managerConfigFile(runner: Runner, folders: readonly (string | undefined)[], disk: McpDisk): string | undefined {
  const names = runner === 'yarn dlx' ? ['.yarnrc.yml'] : runner === 'bunx' ? ['bunfig.toml', '.bunfig.toml'] : [];
  for (const folder of folders) {
    if (folder === undefined) continue;
    const found = names.map((name) => join(folder, name)).find((path) => disk.exists(path));
    if (found) return found;
  }
  return undefined;
}

/**
 * The folder a client starts a server in, as far as the config tells: its `cwd`; Claude Code's project
 * (`projects[<folder>]`); a project's own config (`.mcp.json`, `.vscode/mcp.json`, `.cursor/mcp.json`) starts its
 * servers in that project. Undefined for the user-wide configs (in HOME or the desktop clients' folders): their
 * servers start wherever the client does, and depwarden reads npm's config from where it runs.
 */
export function serverFolder(entry: Pick<McpServerEntry, 'cwd' | 'project'>, configPath: string, env: NodeJS.ProcessEnv): string | undefined {
  const configDir = dirname(configPath);
  const parent = ['.vscode', '.cursor'].includes(basename(configDir)) ? dirname(configDir) : configDir;
  const home = env.HOME ?? env.USERPROFILE;
  const projectConfig = basename(configPath) === '.mcp.json' || (basename(configPath) === 'mcp.json' && parent !== configDir && parent !== home);
  if (entry.cwd !== undefined) return resolve(projectConfig ? parent : configDir, entry.cwd);
  if (entry.project !== undefined) return entry.project;
  return projectConfig ? parent : undefined;
}

/** VS Code's `envFile`, read as dotenv (Node's own parser); a path with other variables than ${workspaceFolder} cannot be read. */
function readEnvFile(envFile: string, configDir: string, disk: McpDisk): Record<string, string> | string {
  // VS Code's config sits in `<workspace>/.vscode/`; other clients' paths are taken from the config's folder.
  const workspace = basename(configDir) === '.vscode' ? dirname(configDir) : configDir;
  const path = envFile.replaceAll('${workspaceFolder}', workspace);
  if (path.includes('${')) return `envFile ${envFile} names a variable depwarden cannot fill in; its settings may change where packages are fetched from`;
  const text = disk.readText(resolve(workspace, path));
  if (text === undefined) return `envFile ${envFile} cannot be read; its settings may change where packages are fetched from`;
  return Object.fromEntries(Object.entries(parseEnv(text)).flatMap(([name, value]) => (value === undefined ? [] : [[name, value]])));
}

/**
 * One server's verdict: the package(s) it starts and their whole trees, judged as `depwarden exec` judges them,
 * with the config's place so that an unpinned spec is a finding. Nothing is installed or run.
 */
export async function judgeServer(
  config: McpConfigFile,
  entry: McpServerEntry,
  syntax: RunnerSyntax,
  options: AnalyzeOptions,
  disk: McpDisk,
): Promise<ServerResult> {
  const base = { config, entry };
  const asked = serverSpecs(entry, dirname(config.path), syntax, disk);
  if (!('specs' in asked)) return { ...base, ...asked };
  const { specs } = asked;
  const started =
    asked.settings === undefined ? { env: options.env, settings: [] } : serverEnvironment(entry, asked.settings, dirname(config.path), options.env, disk);
  if (!('env' in started)) return { ...base, ...started };
  // The server's own settings decide its registry: depwarden's --registry does not reach the client's npx. npm
  // reads the project .npmrc of the folder the server starts in; depwarden's policy stays the user's own.
  const npmDir = serverFolder(entry, config.path, options.env);
  const ownConfig = asked.runner && managerConfigFile(asked.runner, [npmDir ?? options.files.dir, options.env.HOME], disk);
  if (ownConfig) {
    return {
      ...base,
      status: 'cannot judge',
      note: `${asked.runner} reads its registry from ${ownConfig}, not from npm's configuration that depwarden follows`,
    };
  }
  const ownFolder = npmDir !== undefined && npmDir !== options.files.dir;
  const serverOptions: AnalyzeOptions = {
    ...options,
    env: started.env,
    ...(started.settings.length > 0 || ownFolder ? { registry: undefined } : {}),
    ...(ownFolder ? { npmDir } : {}),
  };
  try {
    const verdict = await gateExec(specs, serverOptions, `${config.shown}: ${serverName(entry)}`);
    const status = statusOf(verdict, specs);
    const followed = started.settings.map((setting) => `${setting.name}=${setting.value}`).join(', ');
    return { ...base, verdict, ...status, ...(followed ? { note: `${status.note} (judged with the server's ${followed})` } : {}) };
  } catch (error) {
    if (!isInputError(error)) throw error;
    return { ...base, status: 'cannot judge', note: error.message };
  }
}

/** refused (findings at or above the failing severity), unpinned (an unpinned-exec finding below it), else ok. */
export function statusOf(verdict: ExecVerdict, specs: readonly string[]): { status: ServerStatus; note: string } {
  const resolved =
    verdict.launches.map((launch) => (pinnedSpec(launch) === launch.spec ? launch.spec : `${launch.spec} -> ${pinnedSpec(launch)}`)).join(', ') ||
    specs.join(', ');
  const { failing, failOn, result } = verdict.analysis;
  if (failing.length > 0) return { status: 'refused', note: `${failing.length} finding(s) at or above ${failOn}${resolved ? ` in ${resolved}` : ''}` };
  const unpinned = result.findings.some((finding) => finding.rule === 'unpinned-exec');
  return { status: unpinned ? 'unpinned' : 'ok', note: resolved };
}

/** The package behind `node_modules/.bin/<bin>`: the link's target, up to the folder with its package.json. */
export function installedPackageOf(binPath: string, configDir: string, disk: McpDisk): { name: string; version: string } | string {
  // A config in `.vscode/` or `.cursor/` names paths from the project folder above it.
  const candidates = isAbsolute(binPath) ? [binPath] : [resolve(configDir, binPath), resolve(dirname(configDir), binPath)];
  const found = candidates.find((path) => disk.exists(path));
  if (found === undefined) return `${binPath} is not installed here`;
  let folder = dirname(disk.realpath(found));
  while (folder !== dirname(folder)) {
    const text = disk.readText(join(folder, 'package.json'));
    if (text !== undefined) {
      try {
        const { name, version } = JSON.parse(text) as { name?: unknown; version?: unknown };
        if (typeof name === 'string' && typeof version === 'string') return { name, version };
      } catch {
        // not readable: say so below
      }
      return `the package behind ${binPath} has no readable name and version`;
    }
    folder = dirname(folder);
  }
  return `no package.json found for ${binPath}`;
}

export interface McpFix {
  readonly file: string;
  readonly server: string;
  readonly from: string;
  readonly to: string;
}

/**
 * `--fix`: each unpinned registry spec of a server that passed becomes the exact version checked. Returns the
 * fixes and the new text of each file that changed (by absolute path); writing them is the caller's.
 */
export function pinServers(
  results: readonly (Pick<ServerResult, 'config' | 'entry' | 'status'> & { readonly verdict?: Pick<ExecVerdict, 'launches'> | undefined })[],
  syntax: RunnerSyntax,
  readText: (path: string) => string,
): { fixes: McpFix[]; texts: Map<string, string> } {
  const fixes: McpFix[] = [];
  const texts = new Map<string, string>();
  for (const result of results) {
    const { verdict, entry, config } = result;
    if (result.status !== 'unpinned' || verdict === undefined || entry.command === undefined) continue;
    const started = serverLaunch(entry.command, entry.args, syntax);
    if (started.kind !== 'runner' || started.inShellLine) continue;
    let text = texts.get(config.path) ?? readText(config.path);
    started.launch.packages.forEach((asked, index) => {
      const resolved = verdict.launches[index];
      if (resolved === undefined || isPinnedSpec(asked.spec) || !resolved.fromRegistry || !resolved.version) return;
      const pinned = pinnedAs(asked.spec, resolved.version);
      text = replaceServerArg(text, entry, asked.argIndex, `${asked.prefix}${pinned}`);
      fixes.push({ file: config.shown, server: serverName(entry), from: asked.spec, to: pinned });
    });
    texts.set(config.path, text);
  }
  for (const [path, text] of texts) if (text === readText(path)) texts.delete(path);
  return { fixes, texts };
}

/** The spec as written, with its tag or range replaced by the version: `x@latest` -> `x@1.2.3`, `a@npm:b` -> `a@npm:b@1.2.3`. */
export function pinnedAs(spec: string, version: string): string {
  const parsed = npa(spec);
  if (parsed.type === 'alias') {
    const sub = (parsed as { subSpec?: { name?: string | null } }).subSpec;
    return `${parsed.name}@npm:${sub?.name ?? ''}@${version}`;
  }
  return `${parsed.name}@${version}`;
}
