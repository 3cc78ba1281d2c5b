/** Review's last step: the steps' findings as one analysis, duplicates removed, with where each came from. */
import type { Analysis, AnalyzeOptions } from '../analysis/analyze.js';
import type { Policy } from '../config/policy.js';
import { failingFindings, type Finding, type RegistrySummary } from '../findings/model.js';
import { RULES } from '../rules/index.js';
import type { DependencyTree, TreeFormat } from '../tree/model.js';
import { packageCount } from '../tree/paths.js';
import { findingKey, type ChangeLocation, type Notice, type StepResult } from './context.js';

export interface ReviewResult {
  readonly analysis: Analysis;
  /** By finding key (`rule code package@version`), the place in the change it comes from. */
  readonly locations: ReadonlyMap<string, ChangeLocation>;
  /** Files the change touches that could not be read as code: reported, the rest still checked. */
  readonly notices: readonly Notice[];
  /** Packages judged in all (each changed lockfile's, the names added): the tree above holds only the names. */
  readonly packages: number;
  /** The formats judged (each changed lockfile's, `names` when names were added): the tree's own is always `names`. */
  readonly formats: readonly TreeFormat[];
}

export const emptyResult = (offline: boolean): StepResult => ({ findings: [], registry: { asked: 0, answered: 0, notCached: 0, offline }, allowed: 0 });

export function addResults(a: StepResult, b: StepResult): StepResult {
  return {
    findings: [...a.findings, ...b.findings],
    registry: sumRegistry(a.registry, b.registry),
    allowed: a.allowed + b.allowed,
    packages: (a.packages ?? 0) + (b.packages ?? 0),
    formats: [...new Set([...(a.formats ?? []), ...(b.formats ?? [])])],
  };
}

export function mergeResults(
  parts: readonly StepResult[],
  tree: DependencyTree,
  policy: Policy,
  options: AnalyzeOptions,
  notices: readonly Notice[],
): ReviewResult {
  const all = parts.reduce(addResults, emptyResult(options.offline));
  const unique = new Map<string, Finding>();
  const locations = new Map<string, ChangeLocation>();
  for (const { finding, location } of all.findings) {
    const key = findingKey(finding);
    if (unique.has(key)) continue;
    unique.set(key, finding);
    if (location) locations.set(key, location);
  }
  const findings = [...unique.values()];
  const failOn = options.failOn ?? policy.failOn;
  const analysis: Analysis = {
    tree,
    policy,
    rules: RULES,
    // Allowlist entries are matched per part of the change, so "unused" would be a guess here: none are reported.
    result: { findings, allowed: all.allowed, unusedAllows: [] },
    failOn,
    failing: failingFindings(findings, failOn),
    registry: all.registry,
  };
  const names = packageCount(tree);
  const formats = [...(all.formats ?? []), ...(names > 0 ? [tree.format] : [])];
  return { analysis, locations, notices, packages: (all.packages ?? 0) + names, formats };
}

function sumRegistry(a: RegistrySummary, b: RegistrySummary): RegistrySummary {
  const notes = [...new Set([...(a.notes ?? []), ...(b.notes ?? [])])];
  return {
    asked: a.asked + b.asked,
    answered: a.answered + b.answered,
    notCached: a.notCached + b.notCached,
    offline: a.offline,
    ...(notes.length ? { notes } : {}),
  };
}
