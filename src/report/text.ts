import { findingTexts, packageLabel } from './messages.js';
import type { ReportInput } from './types.js';
import { SEVERITIES, type Finding, type Severity } from '../findings/model.js';
import { findingLocator, type FindingPlace } from './locate.js';
import { redactReport } from './redact.js';
import { escapeName, escapeText, neutraliseWorkflowCommands } from '../text/escape.js';

/** At most this many evidence lines under a finding; JSON and SARIF carry them all. */
const MAX_EVIDENCE_LINES = 12;

const COLORS: Record<Severity, string> = { critical: '1;35', high: '1;31', medium: '33', low: '36', info: '2' };

/** Human report: findings grouped by severity, worst first, each with its chain and a fix. */
export function renderText(report: ReportInput, options: { color: boolean }): string {
  const input = redactReport(report);
  const texts = findingTexts(input.rules, input.source.asked);
  const locate = findingLocator(input);
  const paint = (code: string, text: string): string => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const { findings, allowed, unusedAllows } = input.result;
  const lines: string[] = [`depwarden: checked ${escapeText(checkedText(input.source))}`];
  for (const severity of SEVERITIES) {
    const group = findings.filter((finding) => finding.severity === severity);
    if (group.length === 0) continue;
    // Names from a --from list in the list's order (the sort is stable: a line's findings stay in rule order).
    if (input.source.asked !== undefined) group.sort((a, b) => (locate(a).asked?.line ?? Infinity) - (locate(b).asked?.line ?? Infinity));
    lines.push('', paint(COLORS[severity], `${severity.toUpperCase()} (${group.length})`));
    for (const finding of group) {
      const where = placeText(input, finding, locate(finding));
      lines.push(`  ${paint('1', escapeName(packageLabel(finding)))}  ${paint('2', `[${finding.rule}]`)}${paint('2', where)}`);
      lines.push(`    ${escapeText(texts.message(finding))}`);
      const evidence = texts.evidence(finding);
      for (const { file, line, text } of evidence.slice(0, MAX_EVIDENCE_LINES)) lines.push(`      ${escapeText(`${file}:${line} ${text}`)}`);
      if (evidence.length > MAX_EVIDENCE_LINES) lines.push(`      … ${evidence.length - MAX_EVIDENCE_LINES} more (--format json lists them all)`);
      if (finding.path.length > 1) lines.push(`    via: ${escapeText(['(root)', ...finding.path].join(' > '))}`);
      const inChange = input.changeLocation?.(finding);
      if (inChange) lines.push(`    at: ${escapeText(`${inChange.uri}:${inChange.line}`)}`);
      lines.push(`    fix: ${escapeText(texts.hint(finding))}`);
    }
  }
  for (const entry of unusedAllows) {
    lines.push('', `hint: policy ${entry.where} (${escapeText(entry.package)}, ${entry.rule}) matched nothing; remove it if it is stale`);
  }
  for (const notice of input.notices ?? []) lines.push('', `notice: ${escapeText(notice.file)} ${escapeText(notice.message)}`);
  const registry = registryLine(input);
  if (registry) lines.push('', registry);
  for (const note of input.registry.notes ?? []) lines.push('', escapeText(note));
  lines.push('', summaryLine(input, allowed));
  return neutraliseWorkflowCommands(`${lines.join('\n')}\n`);
}

/** Registry checks that did not happen are said once, not hidden. */
function registryLine({ registry }: ReportInput): string | undefined {
  if (registry.notCached === 0) return undefined;
  const are = registry.notCached === 1 ? 'is' : 'are';
  return `registry: ${registry.notCached} of ${registry.asked} package${registry.asked === 1 ? '' : 's'} ${are} not in npm's cache; with --offline their install scripts, publish times and published manifests were not checked.`;
}

function summaryLine(input: ReportInput, allowed: number): string {
  const { findings } = input.result;
  const allowedText = allowed > 0 ? `, ${allowed} allowed by policy` : '';
  const stale = staleText(input);
  if (findings.length === 0) return stale ? `No findings${allowedText}; failing with --strict: ${stale}.` : `No findings${allowedText}.`;
  const counts = SEVERITIES.map((severity) => [severity, findings.filter((f) => f.severity === severity).length] as const)
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => `${count} ${severity}`);
  const verdict =
    input.failing.length > 0
      ? `${input.failing.length} at or above ${input.failOn}: failing${stale ? `; with --strict also: ${stale}` : ''}.`
      : `none at or above ${input.failOn}${stale ? `; failing with --strict: ${stale}` : ''}.`;
  return `${findings.length} finding${findings.length === 1 ? '' : 's'} (${counts.join(', ')}${allowedText}); ${verdict}`;
}

/** Why --strict fails a run: its policy entries that matched nothing (the hints above name each). */
export function staleText({ strictFailures }: ReportInput): string | undefined {
  if (strictFailures === undefined || strictFailures.length === 0) return undefined;
  return `policy ${strictFailures.join(', ')} matched nothing`;
}

/** What the header says was checked: the lockfile (or node_modules) and its format, the tree worked out, or the names asked for. */
function checkedText(source: ReportInput['source']): string {
  const count = (noun: string): string => `${source.packages} ${noun}${source.packages === 1 ? '' : 's'}`;
  if (source.title !== undefined) return `${count('package')} in ${source.title}`;
  if (source.asked !== undefined) {
    if (source.file === '(arguments)') return `${count('name')} given as arguments`;
    if (source.file === '(stdin)') return `${count('name')} read from standard input`;
    return `${count('name')} in ${source.file}`;
  }
  return `${count('package')} in ${source.file} (${formatsOf(source)})`;
}

/**
 * Beside each finding, where it is: the name as asked for (with its line in a --from file: vet's names are in no
 * project and no node_modules), else the package's place in the tree.
 */
function placeText(input: ReportInput, finding: Finding, place: FindingPlace): string {
  if (place.asked !== undefined) {
    const where = place.asked.line === undefined ? 'asked as' : `${input.source.file}:${place.asked.line}:`;
    return `  ${escapeText(where)} ${escapeName(place.asked.text)}`;
  }
  return finding.package.location ? `  ${escapeName(finding.package.location)}` : '';
}

/** The header's format: the tree's, or review's list of what it judged (a change with no dependency in it judges nothing). */
function formatsOf(source: ReportInput['source']): string {
  if (source.formats === undefined) return source.format;
  return source.formats.length > 0 ? source.formats.join(', ') : 'no dependency changes';
}
