import { semver } from '../cjs.js';
import type { Policy } from '../config/policy.js';
import { pathTo } from '../tree/paths.js';
import type { AllowEntry, Finding, PackageRef, RunResult } from '../findings/model.js';
import type { PackageNode } from '../tree/model.js';
import type { Rule, RuleContext } from './types.js';
import { severityRank } from '../findings/model.js';

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
      // Every code a rule emits has its words in the rule's `messages`; one without them is a bug in the rule.
      if (!rule.messages[proposal.detail.code]) throw new Error(`rule ${rule.id} emitted ${proposal.detail.code}, which its messages do not word`);
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
      severityRank(b.severity) - severityRank(a.severity) || order.get(a.rule)! - order.get(b.rule)! || a.package.location.localeCompare(b.package.location),
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
