import { semver } from '../cjs.js';
import type { AllowEntry, Policy } from '../config/policy.js';
import { pathTo } from '../tree/paths.js';
import type { FindingDetail, PackageNode, Rule, RuleContext, Severity } from './types.js';
import { severityRank } from './types.js';

export interface PackageRef {
  /** The real package name. */
  readonly name: string;
  readonly version: string | undefined;
  /** Root-relative location in the tree, '' for the project itself. */
  readonly location: string;
  /** The name it is installed under, when that differs from its real name. */
  readonly alias: string | undefined;
}

/** One finding after the policy decided on it: the public shape every report renders. */
export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly package: PackageRef;
  /** Dependency names from the root's direct dependency down to this package. */
  readonly path: readonly string[];
  readonly detail: FindingDetail;
}

export interface RunResult {
  readonly findings: readonly Finding[];
  /** Findings the policy's allowlist removed. */
  readonly allowed: number;
  /** Allowlist entries that matched nothing: stale policy. */
  readonly unusedAllows: readonly AllowEntry[];
}

/**
 * Runs every rule the policy leaves on, applies per-rule severities and the allowlist, removes duplicates
 * and sorts worst first. The one place where a rule's proposal becomes a reported finding.
 */
export function runRules(rules: readonly Rule[], context: RuleContext, policy: Policy): RunResult {
  const findings: Finding[] = [];
  const used = new Set<AllowEntry>();
  const seen = new Set<string>();
  let allowed = 0;
  rules.forEach((rule) => {
    const override = policy.rules.get(rule.id);
    if (override === 'off') return;
    for (const proposal of rule.check(context)) {
      const key = `${rule.id}\u0000${proposal.detail.code}\u0000${proposal.node.location}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const entry = policy.allow.find((candidate) => allows(candidate, rule.id, proposal.node));
      if (entry) {
        used.add(entry);
        allowed++;
        continue;
      }
      findings.push({
        rule: rule.id,
        severity: override ?? proposal.severity ?? rule.defaultSeverity,
        package: packageRef(proposal.node),
        path: pathTo(context.tree, proposal.node),
        detail: proposal.detail,
      });
    }
  });
  const order = new Map(rules.map((rule, index) => [rule.id, index]));
  findings.sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      order.get(a.rule)! - order.get(b.rule)! ||
      a.package.location.localeCompare(b.package.location),
  );
  return { findings, allowed, unusedAllows: policy.allow.filter((entry) => !used.has(entry)) };
}

/** Whether a policy allowlist entry covers this rule on this package (name, and version range if given). */
export function allows(entry: AllowEntry, ruleId: string, node: PackageNode): boolean {
  if (entry.rule !== ruleId) return false;
  if (entry.package !== node.name && entry.package !== node.installName) return false;
  if (entry.version === undefined) return true;
  return node.version !== undefined && semver.satisfies(node.version, entry.version, { includePrerelease: true });
}

export function packageRef(node: PackageNode): PackageRef {
  return {
    name: node.name,
    version: node.version ?? node.target?.version,
    location: node.location,
    alias: node.installName !== node.name && !node.isRoot ? node.installName : undefined,
  };
}

export function failingFindings(findings: readonly Finding[], failOn: Severity): Finding[] {
  return findings.filter((finding) => severityRank(finding.severity) >= severityRank(failOn));
}
