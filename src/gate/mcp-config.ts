import { jsoncParser } from '../cjs.js';
import { InputError } from '../errors.js';

/** One server entry of an MCP client's config, as written. */
export interface McpServerEntry {
  /** The key the servers sit under: `mcpServers` (Claude, Cursor, Windsurf, `.mcp.json`) or `servers` (VS Code). */
  readonly serversKey: string;
  readonly name: string;
  /** The program the client starts; undefined for a remote server (`url`, `type: "http"`/`"sse"`). */
  readonly command: string | undefined;
  readonly args: readonly string[];
  readonly url: string | undefined;
}

/**
 * The servers of an MCP config file. Read as JSON with comments (VS Code's `.vscode/mcp.json` allows them, and
 * trailing commas), with jsonc-parser, VS Code's own parser. A file that is not an object of servers is an input
 * error: a config depwarden cannot read is a config it cannot vouch for.
 */
export function readMcpConfig(text: string, file: string): McpServerEntry[] {
  const { parse, printParseErrorCode } = jsoncParser();
  const errors: import('jsonc-parser').ParseError[] = [];
  const config = parse(text, errors, { allowTrailingComma: true, disallowComments: false }) as unknown;
  if (errors.length > 0) throw new InputError(`not valid JSON: ${printParseErrorCode(errors[0]!.error)} at offset ${errors[0]!.offset}`, file);
  if (!isObject(config)) throw new InputError('an MCP config must be a JSON object', file);
  const entries: McpServerEntry[] = [];
  for (const serversKey of ['mcpServers', 'servers']) {
    const servers = config[serversKey];
    if (servers === undefined) continue;
    if (!isObject(servers)) throw new InputError(`"${serversKey}" must be an object of servers`, file);
    for (const [name, server] of Object.entries(servers)) {
      if (!isObject(server)) throw new InputError(`${serversKey}.${name} must be an object`, file);
      const { command, args = [], url } = server;
      if (command !== undefined && typeof command !== 'string') throw new InputError(`${serversKey}.${name}.command must be a string`, file);
      if (!Array.isArray(args) || !args.every((arg) => typeof arg === 'string'))
        throw new InputError(`${serversKey}.${name}.args must be a list of strings`, file);
      if (command === undefined && typeof url !== 'string') throw new InputError(`${serversKey}.${name} has neither a command nor a url`, file);
      entries.push({ serversKey, name, command, args, url: typeof url === 'string' ? url : undefined });
    }
  }
  return entries;
}

/**
 * The config text with one argument of one server replaced, everything else byte for byte as it was (comments,
 * indentation, key order): jsonc-parser edits the string at its position.
 */
export function replaceServerArg(text: string, server: Pick<McpServerEntry, 'serversKey' | 'name'>, argIndex: number, value: string): string {
  const { modify, applyEdits } = jsoncParser();
  const edits = modify(text, [server.serversKey, server.name, 'args', argIndex], value, {});
  return applyEdits(text, edits);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
