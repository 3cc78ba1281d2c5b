/**
 * `depwarden review`: only what a change introduced. Lockfiles that changed are checked at both ends and only
 * new findings kept; dependencies added to package.json and packages newly imported by changed code are
 * checked as names (as `vet` does), and imports that no package.json declares are findings of their own.
 * Each step lives in its own file; this one runs them in order.
 */
import type { AnalyzeOptions } from '../analysis/analyze.js';
import { loadPolicy } from '../config/load.js';
import { RULE_IDS } from '../rules/index.js';
import { changeReader, type ChangeSource } from './change.js';
import { NameCollector, type StepContext } from './context.js';
import { importsStep } from './imports-step.js';
import { lockfileStep } from './lockfile-step.js';
import { manifestStep } from './manifest-step.js';
import { mergeResults, type ReviewResult } from './merge.js';
import { namesStep } from './names-step.js';

export type { ChangeSource } from './change.js';
export { findingKey, type ChangeLocation } from './context.js';
export type { ReviewResult } from './merge.js';

export async function review(source: ChangeSource, options: AnalyzeOptions): Promise<ReviewResult> {
  const context: StepContext = { change: changeReader(source), policy: loadPolicy(options.files, RULE_IDS, options.config), options, notices: [] };
  const lockfiles = await lockfileStep(context);
  const names = new NameCollector();
  manifestStep(context, lockfiles.lockedDirs, names);
  const imports = importsStep(context, names);
  const asNames = await namesStep(context, names, imports);
  return mergeResults([lockfiles, asNames], asNames.tree, context.policy, options, context.notices);
}
