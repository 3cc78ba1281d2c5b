import { jsoncParser } from '../cjs.js';
import { InputError } from '../errors.js';

/** One server entry of an MCP client's config, as written. */
export interface McpServerEntry {
  /** The key the servers sit under: `mcpServers` (Claude, Cursor, Windsurf, `.mcp.json`) or `servers` (VS Code). */
  readonly serversKey: string;
  /** Claude Code's ~/.claude.json: the project folder whose `projects[<folder>].mcpServers` holds it; else undefined. */
  readonly project?: string | undefined;
  readonly name: string;
  /** The program the client starts; undefined for a remote server (`url`, `type: "http"`/`"sse"`). */
  readonly command: string | undefined;
  readonly args: readonly string[];
  readonly url: string | undefined;
  /** The environment the client adds when it starts the server (`env`); empty when none. */
  readonly env: Readonly<Record<string, string>>;
  /** VS Code's `envFile`: a dotenv file the client reads the server's environment from. */
  readonly envFile?: string | undefined;
  /** The folder the client starts the server in (`cwd`), when the config says. */
  readonly cwd?: string | undefined;
}

/**
 * The servers of an MCP config file. Read as JSON with comments (VS Code's `.vscode/mcp.json` allows them, and
 * trailing commas), with jsonc-parser, VS Code's own parser. A file that is not an object of servers is an input
 * error: a config depwarden cannot read is a config it cannot vouch for.
 */
export function readMcpConfig(text: string, file: string): McpServerEntry[] {
  const { parse, printParseErrorCode } = jsoncParser();
  const errors: import('jsonc-parser').ParseError[] = [];
  // A byte order mark (Notepad writes one) is no JSON: dropped, as the lockfile readers drop it.
  const config = parse(text.replace(/^\uFEFF/, ''), errors, { allowTrailingComma: true, disallowComments: false }) as unknown;
  if (errors.length > 0) throw new InputError(`not valid JSON: ${printParseErrorCode(errors[0]!.error)} at offset ${errors[0]!.offset}`, file);
  if (!isObject(config)) throw new InputError('an MCP config must be a JSON object', file);
  const entries = serversOf(config, undefined, file);
  // Claude Code keeps each project's servers in ~/.claude.json under `projects[<folder>].mcpServers`: they run too.
  const projects = config.projects;
  if (projects !== undefined) {
    if (!isObject(projects)) throw new InputError('"projects" must be an object of project folders', file);
    for (const [folder, project] of Object.entries(projects)) {
      if (!isObject(project)) throw new InputError(`projects[${JSON.stringify(folder)}] must be an object`, file);
      entries.push(...serversOf(project, folder, file));
    }
  }
  return entries;
}

function serversOf(config: Record<string, unknown>, project: string | undefined, file: string): McpServerEntry[] {
  const entries: McpServerEntry[] = [];
  for (const serversKey of ['mcpServers', 'servers']) {
    const servers = config[serversKey];
    if (servers === undefined) continue;
    const at = project === undefined ? serversKey : `projects[${JSON.stringify(project)}].${serversKey}`;
    if (!isObject(servers)) throw new InputError(`"${at}" must be an object of servers`, file);
    for (const [name, server] of Object.entries(servers)) {
      if (!isObject(server)) throw new InputError(`${at}.${name} must be an object`, file);
      const { command, args = [], url, env = {}, envFile, cwd } = server;
      if (command !== undefined && typeof command !== 'string') throw new InputError(`${at}.${name}.command must be a string`, file);
      if (!Array.isArray(args) || !args.every((arg) => typeof arg === 'string')) throw new InputError(`${at}.${name}.args must be a list of strings`, file);
      if (command === undefined && typeof url !== 'string') throw new InputError(`${at}.${name} has neither a command nor a url`, file);
      if (!isObject(env) || !Object.values(env).every((value) => typeof value === 'string'))
        throw new InputError(`${at}.${name}.env must be an object of strings`, file);
      if (envFile !== undefined && typeof envFile !== 'string') throw new InputError(`${at}.${name}.envFile must be a string`, file);
      if (cwd !== undefined && typeof cwd !== 'string') throw new InputError(`${at}.${name}.cwd must be a string`, file);
      entries.push({
        serversKey,
        ...(project === undefined ? {} : { project }),
        name,
        command,
        args,
        url: typeof url === 'string' ? url : undefined,
        env: env as Record<string, string>,
        ...(envFile === undefined ? {} : { envFile }),
        ...(cwd === undefined ? {} : { cwd }),
      });
    }
  }
  return entries;
}

/** How a server is named in the output: `mcpServers.files`, or `projects["/work/app"].mcpServers.files`. */
export function serverName(entry: Pick<McpServerEntry, 'serversKey' | 'project' | 'name'>): string {
  return `${entry.project === undefined ? '' : `projects[${JSON.stringify(entry.project)}].`}${entry.serversKey}.${entry.name}`;
}

/**
 * The config text with one argument of one server replaced, everything else byte for byte as it was (comments,
 * indentation, key order): jsonc-parser edits the string at its position.
 */
export function replaceServerArg(text: string, server: Pick<McpServerEntry, 'serversKey' | 'project' | 'name'>, argIndex: number, value: string): string {
  const { modify, applyEdits } = jsoncParser();
  const where = server.project === undefined ? [] : ['projects', server.project];
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const json = text.slice(bom.length);
  const edits = modify(json, [...where, server.serversKey, server.name, 'args', argIndex], value, {});
  return bom + applyEdits(json, edits);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
