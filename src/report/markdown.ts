import { findingTexts, packageLabel } from './messages.js';
import { redactReport } from './redact.js';
import type { ReportInput } from './types.js';
import { staleText } from './text.js';
import type { EvidenceLine } from '../findings/model.js';

/** A pull-request comment: one short table, worst first, each with the reason and the fix. */
export function renderMarkdown(report: ReportInput): string {
  const texts = findingTexts(report.rules, report.source.asked);
  const input = redactReport(report);
  const { findings } = input.result;
  const lines = ['### depwarden'];
  if (findings.length === 0) {
    lines.push('', 'No new dependency risks in this change.');
  } else {
    lines.push(
      '',
      `${findings.length} finding${findings.length === 1 ? '' : 's'}, ${input.failing.length} at or above ${input.failOn}.`,
      '',
      '| severity | package | rule | why | fix |',
      '|---|---|---|---|---|',
    );
    for (const finding of findings) {
      const at = input.changeLocation?.(finding);
      const where = at ? ` (${at.uri}:${at.line})` : '';
      lines.push(
        `| ${finding.severity} | ${codeSpan(packageLabel(finding))} | ${finding.rule} | ${cell(texts.message(finding))}${cell(where)}${evidenceCell(texts.evidence(finding))} | ${cell(texts.hint(finding))} |`,
      );
    }
  }
  const stale = staleText(input);
  if (stale) lines.push('', `Failing with --strict: ${cell(stale)}.`);
  for (const notice of input.notices ?? []) lines.push('', `> ${cell(notice.file)} ${cell(notice.message)}`);
  for (const note of input.registry.notes ?? []) lines.push('', `> ${cell(note)}`);
  return `${lines.join('\n')}\n`;
}

/** At most this many evidence lines in a table cell; JSON and SARIF carry them all. */
const MAX_EVIDENCE_LINES = 3;

/** The evidence lines the fix points at ("read the evidence lines"), in the "why" cell: a table row holds no list. */
function evidenceCell(evidence: readonly EvidenceLine[]): string {
  if (evidence.length === 0) return '';
  const shown = evidence.slice(0, MAX_EVIDENCE_LINES).map(({ file, line, text }) => codeSpan(`${file}:${line} ${text}`));
  const more = evidence.length > MAX_EVIDENCE_LINES ? ` (${evidence.length - MAX_EVIDENCE_LINES} more in --format json)` : '';
  return `. Evidence: ${shown.join('; ')}${more}`;
}

// Controls, bidi overrides and the Unicode line/paragraph separators: each would break or reorder the table.
const INVISIBLE = /[\p{Cc}\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;
// What GitHub would turn into a mention of a user or team: `@name`, `@org/team` (scoped package names too).
const MENTION = /(?<![\w`])@[\w.-]+(?:\/[\w.-]+)?/gu;

/**
 * Text safe inside a table cell: no pipes, line breaks, markup or control characters, and no `@mention`:
 * those are set as code, which GitHub never links (a scoped package name would otherwise ping a team).
 */
function cell(text: string): string {
  const plain = text.replace(INVISIBLE, ' ');
  let out = '';
  let last = 0;
  for (const match of plain.matchAll(MENTION)) {
    out += escapeMarkup(plain.slice(last, match.index)) + codeSpan(match[0]);
    last = match.index + match[0].length;
  }
  return out + escapeMarkup(plain.slice(last));
}

function escapeMarkup(text: string): string {
  return text.replace(/[|`<>*_[\]\\~#!&]/g, (char) => `\\${char}`);
}

/**
 * A code span whose fence is longer than any backtick run inside it (backslashes do not escape inside code),
 * padded when the text starts or ends with a backtick; `|` is the one character a table still needs escaped.
 */
export function codeSpan(text: string): string {
  const plain = text.replace(INVISIBLE, ' ').replace(/\|/g, '\\|');
  const longest = Math.max(0, ...[...plain.matchAll(/`+/g)].map((run) => run[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = plain.startsWith('`') || plain.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${plain}${pad}${fence}`;
}
