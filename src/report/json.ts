import { findingTexts } from './messages.js';
import type { ReportInput } from './types.js';
import { SEVERITIES, type Severity } from '../findings/model.js';
import { redactReport } from './redact.js';
import { findingLocator, type FindingPlace } from './locate.js';
import { escapeJsonText } from '../text/escape.js';

/** The stable machine-readable shape documented in the README ("JSON output"). */
export function renderJson(report: ReportInput): string {
  const texts = findingTexts(report.rules, report.source.asked);
  const input = redactReport(report);
  const { findings, allowed, unusedAllows } = input.result;
  const locate = findingLocator(input);
  const bySeverity = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>;
  for (const finding of findings) bySeverity[finding.severity]++;
  const json = {
    tool: { name: input.tool.name, version: input.tool.version },
    source: {
      file: input.source.file,
      format: input.source.format,
      packages: input.source.packages,
      ...(input.source.formats === undefined ? {} : { formats: input.source.formats }),
    },
    findings: findings.map((finding) => {
      const place = locate(finding);
      const { code, ...details } = finding.detail;
      // A name asked for (vet, the gates' names) is declared by no one: `asked` says what was asked, not an empty root.
      if (place.asked !== undefined && 'declaredBy' in details && details.declaredBy.isProject) delete (details as { declaredBy?: unknown }).declaredBy;
      return {
        rule: finding.rule,
        code,
        severity: finding.severity,
        message: texts.message(finding),
        package: {
          name: finding.package.name,
          version: finding.package.version ?? null,
          location: finding.package.location,
          ...(finding.package.alias === undefined ? {} : { alias: finding.package.alias }),
        },
        path: finding.path,
        ...placeOf(place),
        details,
      };
    }),
    summary: {
      total: findings.length,
      bySeverity,
      failOn: input.failOn,
      failing: input.failing.length,
      allowed,
      unusedAllows: unusedAllows.map((entry) => ({ where: entry.where, package: entry.package, rule: entry.rule })),
      registry: input.registry,
      ...(input.notices ? { notices: input.notices } : {}),
    },
  };
  return `${escapeJsonText(JSON.stringify(json, null, 2))}\n`;
}

/** What was asked for (vet), and where the finding points (findingLocator) when it is in a file at a known line. */
function placeOf({ uri, line, asked }: FindingPlace): { asked?: { text: string; line?: number }; at?: { uri: string; line: number } } {
  return {
    ...(asked === undefined ? {} : { asked: { text: asked.text, ...(asked.line === undefined ? {} : { line: asked.line }) } }),
    ...(uri === undefined || line === undefined ? {} : { at: { uri, line } }),
  };
}
