import { existsSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { parseCommandArgs } from './args.js';
import { EXIT, type CliIo } from './io.js';
import { npmOptionNames, npmSwitches } from './npm-argv.js';
import { REPORT_HELP, REPORT_OPTIONS, analysisOptions, writeReport, type ReportValues } from './report-options.js';
import { InputError } from '../errors.js';
import { pinnedSpec } from '../gate/exec.js';
import { execSource } from './exec.js';
import { readMcpConfig, serverName } from '../gate/mcp-config.js';
import { judgeServer, mcpConfigCandidates, pinServers, type McpDisk, type McpFix, type ServerResult, type ServerStatus } from '../gate/mcp.js';
import { npxSyntax } from '../npm/launch.js';
import { escapeName, escapeText, redactCredentials } from '../text/escape.js';
import { diskFiles, readRegularFile } from '../tree/files.js';

export const MCP_HELP = `Usage: depwarden mcp [config files] [--fix] [depwarden options]

Reads the MCP configs of the common clients and checks every server they start through npx, npm
exec, pnpm dlx, yarn dlx, bunx or node_modules/.bin: each package and its whole tree, as
\`depwarden exec\` does, without running anything. A server started by a tag or a range
(\`some-mcp@latest\`, no version) is an unpinned-exec finding: every start fetches whatever is newest.
Wrappers are read through: cmd /c, env (options, NAME=value) and sh|bash|zsh -c '<line>' when the
line is plain words; a line with more (pipes, ;, $(...), $VAR, globs) is refused. A server's own
npm settings (env, envFile, NAME=value words, npx's --registry) and the folder it starts in (its
project, its cwd) decide the registry it is judged against, not --registry; one depwarden cannot
follow (env -i, another folder, .yarnrc.yml, bunfig.toml) cannot be judged.

Without files it reads, in the current folder: .mcp.json, .cursor/mcp.json, .vscode/mcp.json;
in your home folder (HOME): Claude Code's ~/.claude.json (its mcpServers and every project's
projects[<folder>].mcpServers), Claude Desktop's claude_desktop_config.json (macOS, Linux,
%APPDATA% on Windows), ~/.cursor/mcp.json, ~/.codeium/windsurf/mcp_config.json; and says which
it found.

Options:
  --fix                        pin each unpinned server to the version it checked, in place
                               (formatting and comments kept); never a server it refused
${REPORT_HELP.replace(/^ {2}--format.*\n(?: {30}.*\n)*/m, '  --format <format>            text (default) or json\n')}`;

export async function runMcp(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { ...REPORT_OPTIONS, fix: { type: 'boolean' } });
  if (values.help) {
    io.stdout.write(MCP_HELP);
    return EXIT.clean;
  }
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new InputError(`depwarden mcp writes --format text or json; found "${format}"`);
  const options = analysisOptions(values as ReportValues, { ...io, stdout: io.stderr }, diskFiles(io.cwd));
  // A found config that exists but is no regular file (a FIFO, a device) is refused below as it is read, not skipped.
  const files =
    positionals.length > 0 ? positionals.map((file) => resolve(io.cwd, file)) : mcpConfigCandidates(io.cwd, io.env).filter((path) => existsSync(path));
  for (const file of positionals) {
    const path = resolve(io.cwd, file);
    if (!isFile(path)) throw new InputError(existsSync(path) ? 'is not a file; depwarden mcp takes MCP config files' : 'no such file', file);
  }
  const shown = (file: string) => {
    const path = relative(io.cwd, file);
    return path.startsWith('..') || isAbsolute(path) ? file : path;
  };
  if (files.length === 0) {
    throw new InputError(`no MCP config found; looked for: ${mcpConfigCandidates(io.cwd, io.env).map(shown).join(', ')}`);
  }
  io.stderr.write(`depwarden: MCP configs ${positionals.length > 0 ? 'given' : 'found'}: ${files.map((file) => escapeText(shown(file))).join(', ')}\n`);

  const syntax = npxSyntax(npmSwitches(), npmOptionNames());
  const results: ServerResult[] = [];
  for (const path of files) {
    const config = { path, shown: shown(path) };
    // Read as every config file is (readRegularFile): the isFile check above was a stat, and the file may change since.
    const entries = readMcpConfig(readRegularFile(path, config.shown) ?? '', config.shown);
    for (const entry of entries) results.push(await judgeServer(config, entry, syntax, options, DISK));
  }

  let fixes: McpFix[] = [];
  if (values.fix) {
    const pinned = pinServers(results, syntax, (path) => readRegularFile(path, shown(path)) ?? '');
    for (const [path, text] of pinned.texts) writeFileSync(path, text);
    fixes = pinned.fixes;
  }
  return report(results, fixes, values as ReportValues, format, io);
}

function report(results: readonly ServerResult[], fixes: readonly McpFix[], values: ReportValues, format: string, io: CliIo): number {
  const refused = results.some((result) => result.status === 'refused');
  const unjudged = results.some((result) => result.status === 'cannot judge');
  if (format === 'json') {
    const servers = results.map((result) => ({
      file: result.config.shown,
      server: serverName(result.entry),
      command: [result.entry.command ?? result.entry.url ?? '', ...result.entry.args].map(redactCredentials),
      status: result.status,
      note: redactCredentials(result.note),
      resolved: result.verdict?.launches.map((launch) => ({ spec: launch.spec, pinned: pinnedSpec(launch) })) ?? [],
      report: result.verdict
        ? (JSON.parse(captured((sink) => writeReport(values, sink(io), result.verdict!.analysis, execSource(result.verdict!)))) as unknown)
        : undefined,
    }));
    io.stdout.write(`${JSON.stringify({ servers, fixed: fixes }, null, 2)}\n`);
  } else {
    for (const result of results) {
      const command = [result.entry.command ?? result.entry.url ?? '', ...result.entry.args].join(' ');
      io.stdout.write(
        `${escapeText(result.config.shown)}  ${escapeText(serverName(result.entry))}  ${escapeText(redactCredentials(command))}\n  ${result.status}: ${escapeText(redactCredentials(result.note))}\n`,
      );
      if (result.verdict && result.verdict.analysis.result.findings.length > 0) {
        const text = captured((sink) => writeReport(values, sink(io), result.verdict!.analysis, execSource(result.verdict!)));
        io.stdout.write(text.replace(/^/gm, '    ').replace(/ +$/gm, ''));
      }
    }
    for (const fix of fixes)
      io.stdout.write(`pinned ${escapeName(fix.from)} to ${escapeName(fix.to)} in ${escapeText(fix.file)} (${escapeText(fix.server)})\n`);
    const count = (status: ServerStatus) => results.filter((result) => result.status === status).length;
    const pinned = new Set(fixes.map((fix) => `${fix.file}\0${fix.server}`)).size;
    io.stdout.write(
      `\n${results.length} server(s): ${count('refused')} refused, ${count('unpinned')} unpinned${pinned > 0 ? ` (${pinned} pinned now by --fix)` : ''}, ${count('ok')} ok, ${count('cannot judge')} cannot be judged, ${count('not checked')} not npm launches\n`,
    );
  }
  if (refused) return EXIT.findings;
  return unjudged ? EXIT.input : EXIT.clean;
}

/** What a renderer wrote, as a string (the CLI's writeReport writes to a stream). */
function captured(write: (sink: (io: CliIo) => CliIo) => void): string {
  let text = '';
  const stream = {
    write(chunk: string | Uint8Array) {
      text += String(chunk);
      return true;
    },
  } as unknown as NodeJS.WritableStream;
  write((io) => ({ ...io, stdout: stream }));
  return text;
}

const DISK: McpDisk = {
  exists: existsSync,
  realpath: realpathSync,
  readText: (path) => readRegularFile(path, path),
};

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
