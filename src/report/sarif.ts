import { findingLocator, type FindingPlace } from './locate.js';
import { findingTexts, packageLabel } from './messages.js';
import type { ReportInput } from './types.js';
import type { EvidenceLine, Finding } from '../findings/model.js';
import type { Severity } from '../findings/model.js';
import { redactReport } from './redact.js';
import { escapeJsonText } from '../text/escape.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};
/** The base of every artifact URI (SARIF 2.1.0 §3.14.14): the repository's root, as GitHub code scanning resolves paths. */
const SRCROOT = '%SRCROOT%';

/** GitHub code scanning ranks security alerts by this CVSS-like score. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };

/** SARIF 2.1.0 for GitHub code scanning: one result per finding, located at its entry in the lockfile. */
export function renderSarif(report: ReportInput): string {
  const texts = findingTexts(report.rules, report.source.asked);
  const input = redactReport(report);
  const locate = findingLocator(input);
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: input.tool.name,
            version: input.tool.version,
            informationUri: input.tool.homepage,
            rules: input.rules.map((rule) => ({
              id: rule.id,
              name: rule.id,
              shortDescription: { text: rule.description },
              helpUri: `${input.tool.homepage}/blob/main/docs/rules.md#${rule.id}`,
              defaultConfiguration: { level: LEVEL[rule.defaultSeverity] },
              properties: { tags: ['security', 'supply-chain'], 'security-severity': SECURITY_SEVERITY[rule.defaultSeverity] },
            })),
          },
        },
        // Every artifact URI is relative to %SRCROOT%, the git root (else the project's folder), as code scanning expects.
        originalUriBaseIds: { [SRCROOT]: { uri: input.source.rootUri } },
        results: input.result.findings.map((finding) => ({
          ruleId: finding.rule,
          ruleIndex: input.rules.findIndex((rule) => rule.id === finding.rule),
          level: LEVEL[finding.severity],
          message: { text: `${packageLabel(finding)}: ${texts.message(finding)}. Fix: ${texts.hint(finding)}.` },
          locations: [location(input, finding, locate)],
          ...relatedLocations(input, finding, texts.evidence(finding)),
          partialFingerprints: { depwardenFinding: `${finding.rule}/${finding.detail.code}/${finding.package.location}` },
          properties: {
            severity: finding.severity,
            'security-severity': SECURITY_SEVERITY[finding.severity],
            path: finding.path,
            ...(finding.detail.code === 'install-script' && finding.detail.signals.length ? { evidence: finding.detail.signals } : {}),
          },
        })),
      },
    ],
  };
  return `${escapeJsonText(JSON.stringify(sarif, null, 2))}\n`;
}

function location(input: ReportInput, finding: Finding, locate: (finding: Finding) => FindingPlace) {
  const { uri, line, asked } = locate(finding);
  const inChange = input.changeLocation?.(finding) !== undefined;
  // A name given as an argument is in no file: its result has a logical location only (the name as asked for).
  const name = asked?.text ?? (inChange ? finding.package.name : finding.package.location || '(root)');
  return {
    ...(uri === undefined ? {} : { physicalLocation: { artifactLocation: { uri, uriBaseId: SRCROOT }, region: { startLine: line ?? 1 } } }),
    logicalLocations: [{ fullyQualifiedName: name, kind: 'package' }],
  };
}

/**
 * A finding's evidence as related locations inside the package (`node_modules/x/setup.js` line 3; the script text
 * itself at the package's package.json); the signals themselves are in the property bag.
 */
function relatedLocations(input: ReportInput, finding: Finding, evidence: readonly EvidenceLine[]) {
  if (evidence.length === 0) return {};
  const base = `${input.source.project}${finding.package.location || finding.package.name}`;
  return {
    relatedLocations: evidence.map(({ file, line, text }, index) => ({
      id: index + 1,
      physicalLocation: { artifactLocation: { uri: `${base}/${file.replace(/#.*$/, '')}`, uriBaseId: SRCROOT }, region: { startLine: line } },
      message: { text },
    })),
  };
}
