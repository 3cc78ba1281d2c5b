import { formatHint, formatMessage, packageLabel } from './messages.js';
import type { ReportInput } from './types.js';

/** A pull-request comment: one short table, worst first, each with the reason and the fix. */
export function renderMarkdown(input: ReportInput): string {
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
      lines.push(`| ${finding.severity} | \`${cell(packageLabel(finding))}\` | ${finding.rule} | ${cell(formatMessage(finding.detail))}${cell(where)} | ${cell(formatHint(finding.detail))} |`);
    }
  }
  for (const notice of input.notices ?? []) lines.push('', `> ${cell(notice.file)} ${cell(notice.message)}`);
  return `${lines.join('\n')}\n`;
}

/** Text safe inside a table cell: no pipes, no line breaks, no markup or control characters. */
function cell(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, ' ')
    .replace(/[|`<>*_[\]\\]/g, (char) => `\\${char}`);
}
