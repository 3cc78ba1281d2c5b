import { findingTexts, packageLabel } from './messages.js';
import { redactReport } from './redact.js';
import { findingLocator } from './locate.js';
import type { ReportInput } from './types.js';
import type { Severity } from '../findings/model.js';
import { escapeText } from '../text/escape.js';

const COMMAND: Record<Severity, 'error' | 'warning' | 'notice'> = { critical: 'error', high: 'error', medium: 'warning', low: 'notice', info: 'notice' };

/** GitHub Actions workflow commands: one annotation per finding, on the changed line it comes from. */
export function renderGithub(report: ReportInput): string {
  const texts = findingTexts(report.rules, report.source.asked);
  const input = redactReport(report);
  const locate = findingLocator(input);
  const lines = input.result.findings.map((finding) => {
    const at = locate(finding);
    // Names given as arguments or on standard input are in no file: annotations without a place. Paths are
    // relative to the report's root (the git root), as GitHub reads them.
    const place = at.uri === undefined ? '' : `file=${property(at.uri)},line=${at.line ?? 1},`;
    const properties = `${place}title=${property(`depwarden ${finding.rule}: ${packageLabel(finding)}`)}`;
    // The evidence lines the fix points at, one per line of the annotation (%0A is its line break).
    const evidence = texts.evidence(finding).map(({ file, line, text }) => `%0A${data(`${file}:${line} ${text}`)}`);
    return `::${COMMAND[finding.severity]} ${properties}::${data(`${texts.message(finding)}. Fix: ${texts.hint(finding)}.`)}${evidence.join('')}`;
  });
  for (const notice of input.notices ?? []) lines.push(`::warning file=${property(notice.file)}::${data(notice.message)}`);
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/**
 * The escapes GitHub's workflow commands define. Control, bidi and line-separator characters are first shown
 * as visible escapes (escapeText), so no line break or reordering reaches the log or the annotation; `##[`,
 * the older command form the runner looks for anywhere in a line, is broken up too.
 */
function data(text: string): string {
  return escapeText(text).replace(/%/g, '%25').replace(/##\[/g, '#\\x23[');
}

function property(text: string): string {
  return data(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
