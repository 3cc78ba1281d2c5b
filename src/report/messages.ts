import type { CodeText, EvidenceLine, Finding, FindingCode, RuleMeta } from '../findings/model.js';

/** How findings read: each rule's own words for its codes (`RuleMeta.messages`), found once per report. */
export interface FindingTexts {
  message(finding: Finding): string;
  hint(finding: Finding): string;
  /** The finding's evidence lines, gravest first; none for most codes. */
  evidence(finding: Finding): readonly EvidenceLine[];
}

/**
 * `asked`: the names were asked for (vet, the gates' names; ReportInput.source.asked), so what "the project declares"
 * of them reads as what was asked for.
 */
export function findingTexts(rules: readonly RuleMeta[], asked?: ReadonlyMap<string, unknown>): FindingTexts {
  const byRule = new Map(rules.map((rule) => [rule.id, rule]));
  const textOf = (finding: Finding): CodeText<FindingCode> => {
    const text = byRule.get(finding.rule)?.messages[finding.detail.code];
    // A rule emitting a code it has no words for is a bug: say so rather than print a hole.
    if (!text) throw new Error(`rule ${finding.rule} has no message for ${finding.detail.code}`);
    return text as CodeText<FindingCode>;
  };
  const detailOf = (finding: Finding): never => {
    const { detail } = finding;
    if (asked === undefined || !('declaredBy' in detail) || !detail.declaredBy.isProject || !asked.has(finding.package.location)) return detail as never;
    return { ...detail, declaredBy: { ...detail.declaredBy, asked: true } } as never;
  };
  return {
    message: (finding) => textOf(finding).message(detailOf(finding)),
    hint: (finding) => textOf(finding).hint(detailOf(finding)),
    evidence: (finding) => textOf(finding).evidence?.(detailOf(finding)) ?? [],
  };
}

export function packageLabel(finding: Finding): string {
  const { name, version, alias } = finding.package;
  const label = version ? `${name}@${version}` : name;
  return alias ? `${alias} (${label})` : label;
}
