/** depwarden as a library: the same check the CLI runs, and the pieces to build on it. */
export { check, type CheckOptions, type CheckResult } from './analysis/analyze.js';
export { InputError } from './errors.js';
export { parsePolicy, DEFAULT_POLICY, type Policy } from './config/policy.js';
export { type AllowEntry } from './findings/model.js';
export { RULES } from './rules/index.js';
export { runRules } from './rules/run.js';
export { failingFindings, type Finding, type PackageRef, type RunResult } from './findings/model.js';
export { SEVERITIES, type Severity, type FindingDetail } from './findings/model.js';
export { type Rule, type RuleContext } from './rules/types.js';
export { renderText } from './report/text.js';
export { renderJson } from './report/json.js';
export { renderSarif } from './report/sarif.js';
export { findingTexts, type FindingTexts } from './report/messages.js';
export { diskFiles, type FileSource } from './tree/files.js';
export { loadProject } from './tree/load.js';
export type { DependencyTree, PackageNode, Edge } from './tree/model.js';
