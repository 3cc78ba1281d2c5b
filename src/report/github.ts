import { formatHint, formatMessage, packageLabel } from './messages.js';
import type { ReportInput } from './types.js';
import type { Severity } from '../findings/model.js';

const COMMAND: Record<Severity, 'error' | 'warning' | 'notice'> = { critical: 'error', high: 'error', medium: 'warning', low: 'notice', info: 'notice' };

/** GitHub Actions workflow commands: one annotation per finding, on the changed line it comes from. */
export function renderGithub(input: ReportInput): string {
  const lines = input.result.findings.map((finding) => {
    const at = input.changeLocation?.(finding) ?? { uri: input.source.uri, line: 1 };
    const properties = `file=${property(at.uri)},line=${at.line},title=${property(`depwarden ${finding.rule}: ${packageLabel(finding)}`)}`;
    return `::${COMMAND[finding.severity]} ${properties}::${data(`${formatMessage(finding.detail)}. Fix: ${formatHint(finding.detail)}.`)}`;
  });
  for (const notice of input.notices ?? []) lines.push(`::warning file=${property(notice.file)}::${data(notice.message)}`);
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** The escapes GitHub's workflow commands define; anything else that could start a command is made harmless. */
function data(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}

function property(text: string): string {
  return data(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
