import { existsSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT, type CliIo } from './io.js';
import { npmSwitches } from './npm-argv.js';
import { REPORT_HELP, REPORT_OPTIONS, analysisOptions, writeReport, type ReportValues } from './report-options.js';
import { InputError, isInputError } from '../errors.js';
import { gateExec, pinnedSpec, type ExecVerdict } from '../gate/exec.js';
import { readMcpConfig, replaceServerArg, type McpServerEntry } from '../gate/mcp-config.js';
import { isPinnedSpec, npxSyntax, serverLaunch } from '../npm/launch.js';
import { npa } from '../cjs.js';
import { escapeName, escapeText } from '../text/escape.js';
import { diskFiles } from '../tree/files.js';

export const MCP_HELP = `Usage: depwarden mcp [config files] [--fix] [depwarden options]

Reads the MCP configs of the common clients and checks every server they start through npx, npm
exec, pnpm dlx, yarn dlx, bunx or node_modules/.bin: each package and its whole tree, as
\`depwarden exec\` does, without running anything. A server started by a tag or a range
(\`some-mcp@latest\`, no version) is an unpinned-exec finding: every start fetches whatever is newest.

Without files it reads, in the current folder: .mcp.json, .cursor/mcp.json, .vscode/mcp.json;
in your home folder (HOME): Claude Desktop's claude_desktop_config.json (macOS, Linux, %APPDATA%
on Windows), ~/.cursor/mcp.json, ~/.codeium/windsurf/mcp_config.json; and says which it found.

Options:
  --fix                        pin each unpinned server to the version it checked, in place
                               (formatting and comments kept); never a server it refused
${REPORT_HELP.replace(/^ {2}--format.*\n(?: {30}.*\n)*/m, '  --format <format>            text (default) or json\n')}`;

/** The config files of the common MCP clients: in the project, then in the user's folders. */
export function mcpConfigCandidates(cwd: string, env: NodeJS.ProcessEnv): string[] {
  const home = env.HOME ?? env.USERPROFILE;
  const project = ['.mcp.json', join('.cursor', 'mcp.json'), join('.vscode', 'mcp.json')].map((file) => join(cwd, file));
  const user = home
    ? [
        join(home, 'Library', 'Application Support', 'Claude', 'claude_desktop_config.json'),
        join(home, '.config', 'Claude', 'claude_desktop_config.json'),
        join(home, '.cursor', 'mcp.json'),
        join(home, '.codeium', 'windsurf', 'mcp_config.json'),
      ]
    : [];
  const appData = env.APPDATA ? [join(env.APPDATA, 'Claude', 'claude_desktop_config.json')] : [];
  return [...new Set([...project, ...user, ...appData])];
}

type ServerStatus = 'refused' | 'unpinned' | 'ok' | 'not checked' | 'cannot judge';

interface ServerResult {
  readonly file: string;
  readonly entry: McpServerEntry;
  readonly status: ServerStatus;
  readonly note: string;
  readonly verdict?: ExecVerdict;
}

export async function runMcp(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { ...REPORT_OPTIONS, fix: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.stdout.write(MCP_HELP);
    return EXIT.clean;
  }
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new InputError(`depwarden mcp writes --format text or json; found "${format}"`);
  const files = positionals.length > 0 ? positionals.map((file) => resolve(io.cwd, file)) : mcpConfigCandidates(io.cwd, io.env).filter(isFile);
  for (const file of positionals) if (!isFile(resolve(io.cwd, file))) throw new InputError('no such file', file);
  const shown = (file: string) => {
    const path = relative(io.cwd, file);
    return path.startsWith('..') || isAbsolute(path) ? file : path;
  };
  if (files.length === 0) {
    throw new InputError(`no MCP config found; looked for: ${mcpConfigCandidates(io.cwd, io.env).map(shown).join(', ')}`);
  }
  io.stderr.write(`depwarden: MCP configs ${positionals.length > 0 ? 'given' : 'found'}: ${files.map((file) => escapeText(shown(file))).join(', ')}\n`);

  const options = analysisOptions(values as ReportValues, { ...io, stdout: io.stderr }, diskFiles(io.cwd));
  const syntax = npxSyntax(npmSwitches());
  const results: ServerResult[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const entries = readMcpConfig(text, shown(file));
    for (const entry of entries) results.push(await judgeServer(shown(file), file, entry, syntax, options));
  }

  const fixes = values.fix ? pinServers(results, io) : [];
  return report(results, fixes, values as ReportValues, format, io);
}

async function judgeServer(
  shownFile: string,
  file: string,
  entry: McpServerEntry,
  syntax: ReturnType<typeof npxSyntax>,
  options: Parameters<typeof gateExec>[1],
): Promise<ServerResult> {
  const base = { file: shownFile, entry };
  if (entry.command === undefined) return { ...base, status: 'not checked', note: `remote server (${entry.url}): nothing is installed or run locally` };
  const started = serverLaunch(entry.command, entry.args, syntax);
  if (started.kind === 'other') return { ...base, status: 'not checked', note: `runs ${entry.command}: not an npm package launch` };
  let specs: string[];
  if (started.kind === 'installed-bin') {
    const installed = installedPackageOf(started.binPath, dirname(file));
    if (typeof installed !== 'object') return { ...base, status: 'cannot judge', note: installed };
    specs = [`${installed.name}@${installed.version}`];
  } else {
    specs = started.launch.packages.map((entry) => entry.spec);
    if (specs.length === 0) return { ...base, status: 'cannot judge', note: `${started.launch.runner} names no package` };
  }
  try {
    const verdict = await gateExec(specs, options, `${shownFile}: ${entry.serversKey}.${entry.name}`);
    const resolved =
      verdict.launches.map((launch) => (pinnedSpec(launch) === launch.spec ? launch.spec : `${launch.spec} -> ${pinnedSpec(launch)}`)).join(', ') ||
      specs.join(', ');
    if (verdict.analysis.failing.length > 0) {
      return {
        ...base,
        verdict,
        status: 'refused',
        note: `${verdict.analysis.failing.length} finding(s) at or above ${verdict.analysis.failOn}${resolved ? ` in ${resolved}` : ''}`,
      };
    }
    const unpinned = verdict.analysis.result.findings.some((finding) => finding.rule === 'unpinned-exec');
    return { ...base, verdict, status: unpinned ? 'unpinned' : 'ok', note: resolved };
  } catch (error) {
    if (!isInputError(error)) throw error;
    return { ...base, status: 'cannot judge', note: error.message };
  }
}

/** The package behind `node_modules/.bin/<bin>`: the link's target, up to the folder with its package.json. */
function installedPackageOf(binPath: string, configDir: string): { name: string; version: string } | string {
  const candidates = isAbsolute(binPath) ? [binPath] : [resolve(configDir, binPath), resolve(dirname(configDir), binPath)];
  const found = candidates.find((path) => existsSync(path));
  if (found === undefined) return `${binPath} is not installed here`;
  let folder = dirname(realpathSync(found));
  while (folder !== dirname(folder)) {
    const manifest = join(folder, 'package.json');
    if (existsSync(manifest)) {
      try {
        const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown; version?: unknown };
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

interface Fix {
  readonly file: string;
  readonly server: string;
  readonly from: string;
  readonly to: string;
}

/** `--fix`: each unpinned registry spec of a server that passed becomes the exact version checked, in its file. */
function pinServers(results: readonly ServerResult[], io: CliIo): Fix[] {
  const fixes: Fix[] = [];
  const texts = new Map<string, string>();
  for (const result of results) {
    if (result.status !== 'unpinned' || result.verdict === undefined || result.entry.command === undefined) continue;
    const started = serverLaunch(result.entry.command, result.entry.args, npxSyntax(npmSwitches()));
    if (started.kind !== 'runner') continue;
    const path = resolve(io.cwd, result.file);
    let text = texts.get(path) ?? readFileSync(path, 'utf8');
    started.launch.packages.forEach((entry, index) => {
      const resolved = result.verdict!.launches[index];
      if (resolved === undefined || isPinnedSpec(entry.spec) || !resolved.fromRegistry || !resolved.version) return;
      const pinned = pinnedAs(entry.spec, resolved.version);
      text = replaceServerArg(text, result.entry, entry.argIndex, `${entry.prefix}${pinned}`);
      fixes.push({ file: result.file, server: `${result.entry.serversKey}.${result.entry.name}`, from: entry.spec, to: pinned });
    });
    texts.set(path, text);
  }
  for (const [path, text] of texts) if (text !== readFileSync(path, 'utf8')) writeFileSync(path, text);
  return fixes;
}

/** The spec as written, with its tag or range replaced by the version: `x@latest` -> `x@1.2.3`, `a@npm:b` -> `a@npm:b@1.2.3`. */
function pinnedAs(spec: string, version: string): string {
  const parsed = npa(spec);
  if (parsed.type === 'alias') {
    const sub = (parsed as { subSpec?: { name?: string | null } }).subSpec;
    return `${parsed.name}@npm:${sub?.name ?? ''}@${version}`;
  }
  return `${parsed.name}@${version}`;
}

function report(results: readonly ServerResult[], fixes: readonly Fix[], values: ReportValues, format: string, io: CliIo): number {
  const refused = results.some((result) => result.status === 'refused');
  const unjudged = results.some((result) => result.status === 'cannot judge');
  if (format === 'json') {
    const servers = results.map((result) => ({
      file: result.file,
      server: `${result.entry.serversKey}.${result.entry.name}`,
      command: [result.entry.command ?? result.entry.url, ...result.entry.args],
      status: result.status,
      note: result.note,
      resolved: result.verdict?.launches.map((launch) => ({ spec: launch.spec, pinned: pinnedSpec(launch) })) ?? [],
      report: result.verdict ? (JSON.parse(captured((sink) => writeReport(values, sink(io), result.verdict!.analysis, source(io)))) as unknown) : undefined,
    }));
    io.stdout.write(`${JSON.stringify({ servers, fixed: fixes }, null, 2)}\n`);
  } else {
    for (const result of results) {
      const command = [result.entry.command ?? result.entry.url ?? '', ...result.entry.args].join(' ');
      io.stdout.write(
        `${escapeText(result.file)}  ${escapeText(`${result.entry.serversKey}.${result.entry.name}`)}  ${escapeText(command)}\n  ${result.status}: ${escapeText(result.note)}\n`,
      );
      if (result.verdict && result.verdict.analysis.result.findings.length > 0) {
        const text = captured((sink) => writeReport(values, sink(io), result.verdict!.analysis, source(io)));
        io.stdout.write(text.replace(/^/gm, '    ').replace(/ +$/gm, ''));
      }
    }
    for (const fix of fixes)
      io.stdout.write(`pinned ${escapeName(fix.from)} to ${escapeName(fix.to)} in ${escapeText(fix.file)} (${escapeText(fix.server)})\n`);
    const count = (status: ServerStatus) => results.filter((result) => result.status === status).length;
    io.stdout.write(
      `\n${results.length} server(s): ${count('refused')} refused, ${count('unpinned')} unpinned, ${count('ok')} ok, ${count('cannot judge')} cannot be judged, ${count('not checked')} not npm launches\n`,
    );
  }
  if (refused) return EXIT.findings;
  return unjudged ? EXIT.input : EXIT.clean;
}

const source = (io: CliIo) => ({ file: '(npm exec)', absolutePath: resolve(io.cwd, '(npm exec)'), text: undefined });

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

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
