import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { oneOf } from './args.js';
import { EXIT, type CliIo } from './io.js';
import { TOOL } from './tool.js';
import type { Analysis, AnalyzeOptions } from '../analysis/analyze.js';
import { InputError } from '../errors.js';
import { renderGithub } from '../report/github.js';
import { renderJson } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';
import { renderSarif } from '../report/sarif.js';
import { renderText } from '../report/text.js';
import type { AskedName, ReportInput } from '../report/types.js';
import { SEVERITIES, type Severity } from '../findings/model.js';
import { diskFiles, type FileSource } from '../tree/files.js';
import type { DependencyTree, TreeFormat } from '../tree/model.js';
import { packageCount } from '../tree/paths.js';

/** The options every command that reports findings takes, with their help lines. */
export const REPORT_OPTIONS = {
  format: { type: 'string' },
  'fail-on': { type: 'string' },
  config: { type: 'string' },
  registry: { type: 'string' },
  offline: { type: 'boolean' },
  timeout: { type: 'string' },
  concurrency: { type: 'string' },
  strict: { type: 'boolean' },
  'osv-url': { type: 'string' },
  'osv-data': { type: 'string' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const REPORT_HELP = `  --format <format>            text (default), json, sarif, markdown (a PR comment), github (annotations)
  --fail-on <severity>         exit 1 on findings at or above it: critical, high, medium, low, info
                               (default: the policy's failOn, else high)
  --config <file>              policy file to use instead of .depwardenrc.json / package.json#depwarden
  --registry <url>             the registry packages should come from (default: npm's configuration)
  --offline                    no network: registry facts from npm's cache only
  --timeout <ms>               the most a registry request may take, body included (default: 30000)
  --concurrency <n>            registry requests at once (default: 16)
  --osv-url <url>              the OSV API asked for malware reports (default: policy advisories.osvUrl,
                               else the public OSV API)
  --osv-data <zip|dir>         read malware reports from an OSV export zip or a folder of OSV JSON files
                               instead (offline; default under --offline: what \`depwarden data update\` saved)
  --strict                     exit 1 when a policy allowlist entry matched nothing
  --color, --no-color          force colours on or off (default: on for a terminal, off with NO_COLOR)
  -h, --help                   show this help
`;

const FORMATS = ['text', 'json', 'sarif', 'markdown', 'github'] as const;

export interface ReportValues {
  format?: string | undefined;
  offline?: boolean | undefined;
  timeout?: string | undefined;
  concurrency?: string | undefined;
  'fail-on'?: string | undefined;
  config?: string | undefined;
  registry?: string | undefined;
  strict?: boolean | undefined;
  'osv-url'?: string | undefined;
  'osv-data'?: string | undefined;
  color?: boolean | undefined;
  'no-color'?: boolean | undefined;
}

/** What the analysis needs from the report options: validated before any work starts. */
export function analysisOptions(values: ReportValues, io: CliIo, files: FileSource): AnalyzeOptions {
  const format = oneOf(values.format, FORMATS, '--format') ?? 'text';
  return {
    files,
    env: io.env,
    // npm fetches only over http(s): another scheme (`ftp://x`) would be judged as if it were a registry.
    registry: httpUrl(values.registry, '--registry'),
    failOn: oneOf(values['fail-on'], SEVERITIES, '--fail-on') as Severity | undefined,
    config: values.config === undefined ? undefined : { files: diskFiles(io.cwd), path: values.config },
    offline: values.offline ?? false,
    timeout: positiveInteger(values.timeout, '--timeout'),
    concurrency: positiveInteger(values.concurrency, '--concurrency'),
    osvUrl: httpUrl(values['osv-url'], '--osv-url'),
    osvData: values['osv-data'] === undefined ? undefined : resolve(io.cwd, values['osv-data']),
    onProgress: format === 'text' && io.stderr.isTTY && !io.env.CI ? progressLine(io) : undefined,
  };
}

function httpUrl(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (!/^https?:\/\/[^/]/i.test(value) || !URL.canParse(value)) throw new InputError(`${flag} must be an http(s) URL; found "${value}"`);
  return value;
}

function positiveInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(value)) throw new InputError(`${flag} must be a whole number above 0; found "${value}"`);
  return Number(value);
}

/** "asking the registry: 120/2015" on stderr, only once the work has taken more than a second; cleared at the end. */
export function progressLine(io: Pick<CliIo, 'stderr'>, now: () => number = Date.now): (done: number, total: number) => void {
  const started = now();
  let shown = false;
  return (done, total) => {
    if (!shown && now() - started < 1000) return;
    shown = true;
    io.stderr.write(done === total ? '\r\u001b[K' : `\rdepwarden: asking the registry: ${done}/${total}`);
  };
}

/** Renders the findings in the chosen format to stdout and returns the exit code. */
export function writeReport(
  values: ReportValues,
  io: CliIo,
  analysis: Analysis,
  source: ReportSource,
  change?: Pick<ReportInput, 'changeLocation' | 'notices'>,
): number {
  io.stdout.write(renderReport(values, io, analysis, source, change));
  return exitCodeOf(values, analysis);
}

export interface ReportSource {
  file: string;
  /** What was checked, when it is no file of the project as read (ReportInput's source.title). */
  title?: string;
  /** The file findings point at; none when what was checked is in no file (names given as arguments or on standard input). */
  absolutePath: string | undefined;
  /** The project's folder; default: the file's folder, else the current one. */
  projectDir?: string;
  /** The folder paths are relative to (review: the repository's); default: the git root above the project, else the project. */
  root?: string;
  /** Of several reports of one run: the policy entries that matched nothing in any (what --strict fails on). */
  unusedEverywhere?: readonly string[];
  /** vet and the gates' names: what was asked for, by tree location. */
  asked?: ReadonlyMap<string, AskedName>;
  text: string | undefined;
  lines?: ReadonlyMap<string, number>;
  /** Packages judged, when the analysis's tree is not all of them (review). */
  packages?: number;
  /** The formats judged, when the analysis's tree is not all of them (review). */
  formats?: readonly TreeFormat[];
}

/** The findings in the chosen format. */
export function renderReport(
  values: ReportValues,
  io: CliIo,
  analysis: Analysis,
  source: ReportSource,
  change?: Pick<ReportInput, 'changeLocation' | 'notices'>,
): string {
  const format = oneOf(values.format, FORMATS, '--format') ?? 'text';
  const places = reportPlaces(io, source);
  const input: ReportInput = {
    result: analysis.result,
    failing: analysis.failing,
    failOn: analysis.failOn,
    strictFailures: values.strict ? (source.unusedEverywhere ?? analysis.result.unusedAllows.map((entry) => entry.where)) : undefined,
    rules: analysis.rules,
    source: {
      file: source.file,
      title: source.title,
      ...places,
      asked: source.asked,
      format: analysis.tree.format,
      packages: source.packages ?? packageCount(analysis.tree),
      formats: source.formats,
      text: source.text,
      lines: source.lines,
    },
    registry: analysis.registry,
    tool: TOOL,
    ...change,
  };
  const color = values['no-color'] ? false : (values.color ?? (Boolean(io.stdout.isTTY) && !io.env.NO_COLOR));
  const renderers = {
    json: renderJson,
    sarif: renderSarif,
    markdown: renderMarkdown,
    github: renderGithub,
    text: (report: ReportInput) => renderText(report, { color }),
  };
  return renderers[format](input);
}

/** A name to vet as it was asked for: `lodash` (typed without a spec), `lodash@^4`, or a URL or path typed alone. */
export function askedText(name: string, spec: string): string {
  return spec === '*' ? name : spec === name ? spec : `${name}@${spec}`;
}

/**
 * What the gates (install, exec, mcp) judged first, when the names asked for were refused: names given as arguments,
 * in no file, each shown as asked for (the names tree's root declares each once).
 */
export function askedNamesSource(tree: DependencyTree): ReportSource {
  const asked = new Map<string, AskedName>();
  for (const edge of tree.root.edgesOut.values()) if (edge.to) asked.set(edge.to.location, { text: askedText(edge.name, edge.spec) });
  return { file: '(arguments)', absolutePath: undefined, text: undefined, asked };
}

/**
 * The paths of a report, relative to one root (SARIF's %SRCROOT%, GitHub's repository root): the git root above the
 * project, else the project's folder; a file outside that root (a --from list elsewhere) moves the root to its folder.
 */
function reportPlaces(io: CliIo, source: ReportSource): Pick<ReportInput['source'], 'uri' | 'rootUri' | 'project'> {
  const file = source.absolutePath === undefined ? undefined : resolve(io.cwd, source.absolutePath);
  const projectDir = resolve(io.cwd, source.projectDir ?? (file === undefined ? '.' : dirname(file)));
  let root = source.root ?? gitRoot(projectDir) ?? projectDir;
  if (file !== undefined && !isInside(root, file)) root = dirname(file);
  const project = isInside(root, projectDir) ? posixPath(relative(root, projectDir)) : '';
  return {
    uri: file === undefined ? undefined : posixPath(relative(root, file)),
    rootUri: pathToFileURL(root).href.replace(/\/?$/, '/'),
    project: project === '' ? '' : `${project}/`,
  };
}

/** The nearest folder at or above `dir` that holds `.git` (a folder, or a file in a worktree or submodule). */
function gitRoot(dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, '.git'))) return at;
    if (dirname(at) === at) return undefined;
  }
}

const isInside = (root: string, path: string): boolean => {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
};

const posixPath = (path: string): string => path.split(sep).join('/');

/**
 * The exit code of several analyses reported as one (check's lockfiles, vet's rounds): 1 when any has a finding at or
 * above the failing severity or, with --strict, when a policy entry matched nothing in any of them.
 */
export function combinedExitCode(values: ReportValues, analyses: readonly Analysis[]): number {
  if (analyses.some((analysis) => analysis.failing.length > 0)) return EXIT.findings;
  return values.strict && unusedEverywhere(analyses).length > 0 ? EXIT.findings : EXIT.clean;
}

/** The policy entries (`allow[0]`) that matched nothing in any of several analyses of one run. */
export function unusedEverywhere(analyses: readonly Analysis[]): string[] {
  const unused = analyses.map((analysis) => new Set(analysis.result.unusedAllows.map((entry) => entry.where)));
  return analyses[0]!.result.unusedAllows.map((entry) => entry.where).filter((where) => unused.every((set) => set.has(where)));
}

/** 1 when a finding is at or above the failing severity (or, with --strict, a policy entry matched nothing), else 0. */
export function exitCodeOf(values: ReportValues, analysis: Analysis): number {
  if (analysis.failing.length > 0) return EXIT.findings;
  if (values.strict && analysis.result.unusedAllows.length > 0) return EXIT.findings;
  return EXIT.clean;
}
