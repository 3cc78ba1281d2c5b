import { SEVERITIES } from '../findings/model.js';
import { escapeJsonText } from '../text/escape.js';

/**
 * One report of several lockfiles (`check` of a project with more than one), from the report of each, rendered in
 * the same format and in the order checked. Text, markdown and GitHub annotations follow one another (each report
 * names its lockfile, each annotation points at it). JSON and SARIF stay one document that tools can read:
 *  - JSON: the first report's shape, `lockfiles` listing each source, every finding with its `lockfile`, the
 *    summary summed (a policy entry is unused only when it matched nothing in any lockfile);
 *  - SARIF: one run (GitHub code scanning refuses several runs of one tool in one upload), each result located in
 *    its own lockfile, fingerprints made distinct by the lockfile.
 */
export function combineReports(format: string, reports: readonly { file: string; text: string }[]): string {
  if (reports.length === 1) return reports[0]!.text;
  if (format === 'json') return combineJson(reports);
  if (format === 'sarif') return combineSarif(reports);
  return reports.map(({ text }) => text).join('\n');
}

interface JsonReport {
  source: unknown;
  findings: Record<string, unknown>[];
  summary: {
    total: number;
    bySeverity: Record<string, number>;
    failing: number;
    allowed: number;
    unusedAllows: { where: string }[];
    registry: { asked: number; answered: number; notCached: number; notes?: string[] };
    notices?: unknown[];
  };
}

function combineJson(reports: readonly { file: string; text: string }[]): string {
  const parsed = reports.map(({ file, text }) => ({ file, json: JSON.parse(text) as JsonReport }));
  const first = parsed[0]!.json;
  const all = parsed.map(({ json }) => json);
  const unused = all.map(({ summary }) => new Set(summary.unusedAllows.map((entry) => entry.where)));
  const notes = [...new Set(all.flatMap(({ summary }) => summary.registry.notes ?? []))];
  const combined = {
    ...first,
    lockfiles: all.map(({ source }) => source),
    findings: parsed.flatMap(({ file, json }) => json.findings.map((finding) => ({ ...finding, lockfile: file }))),
    summary: {
      ...first.summary,
      total: sum(all, (json) => json.summary.total),
      bySeverity: Object.fromEntries(SEVERITIES.map((severity) => [severity, sum(all, (json) => json.summary.bySeverity[severity] ?? 0)])),
      failing: sum(all, (json) => json.summary.failing),
      allowed: sum(all, (json) => json.summary.allowed),
      unusedAllows: first.summary.unusedAllows.filter((entry) => unused.every((set) => set.has(entry.where))),
      registry: {
        ...first.summary.registry,
        asked: sum(all, (json) => json.summary.registry.asked),
        answered: sum(all, (json) => json.summary.registry.answered),
        notCached: sum(all, (json) => json.summary.registry.notCached),
        ...(notes.length ? { notes } : {}),
      },
    },
  };
  return `${escapeJsonText(JSON.stringify(combined, null, 2))}\n`;
}

interface SarifLog {
  runs: { results: { partialFingerprints?: Record<string, string> }[] }[];
}

function combineSarif(reports: readonly { file: string; text: string }[]): string {
  const logs = reports.map(({ file, text }) => ({ file, log: JSON.parse(text) as SarifLog }));
  const first = logs[0]!.log;
  const results = logs.flatMap(({ file, log }) =>
    log.runs.flatMap((run) =>
      run.results.map((result) => ({
        ...result,
        partialFingerprints: Object.fromEntries(Object.entries(result.partialFingerprints ?? {}).map(([key, value]) => [key, `${file}:${value}`])),
      })),
    ),
  );
  const combined = { ...first, runs: [{ ...first.runs[0]!, results }] };
  return `${escapeJsonText(JSON.stringify(combined, null, 2))}\n`;
}

const sum = <T>(items: readonly T[], of: (item: T) => number): number => items.reduce((total, item) => total + of(item), 0);
