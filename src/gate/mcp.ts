import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { AnalyzeOptions } from '../analysis/analyze.js';
import { isInputError } from '../errors.js';
import { npa } from '../cjs.js';
import { isPinnedSpec, serverLaunch, type npxSyntax } from '../npm/launch.js';
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
): { readonly specs: string[] } | { readonly status: 'not checked' | 'cannot judge' | 'refused'; readonly note: string } {
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
  return { specs };
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
  try {
    const verdict = await gateExec(specs, options, `${config.shown}: ${serverName(entry)}`);
    return { ...base, verdict, ...statusOf(verdict, specs) };
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
