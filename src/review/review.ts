/**
 * `depwarden review`: only what a change introduced. Lockfiles that changed are checked at both ends and only
 * new findings kept; dependencies added to package.json and packages newly imported by changed code are
 * checked as names (as `vet` does), and imports that no package.json declares are findings of their own.
 * Each step lives in its own file; this one runs them in order.
 */
import type { AnalyzeOptions } from '../analysis/analyze.js';
import { loadPolicy } from '../config/load.js';
import { RULE_IDS } from '../rules/index.js';
import { baseConfig, type ScratchFolder } from './base-config.js';
import { changeReader, type ChangeSource } from './change.js';
import { NameCollector, type StepContext } from './context.js';
import { importsStep } from './imports-step.js';
import { lockfileStep } from './lockfile-step.js';
import { manifestStep } from './manifest-step.js';
import { mergeResults, type ReviewResult } from './merge.js';
import { namesStep } from './names-step.js';

export type { ChangeSource } from './change.js';
export type { ScratchFolder } from './base-config.js';
export { findingKey, type ChangeLocation } from './context.js';
export type { ReviewResult } from './merge.js';

export async function review(source: ChangeSource, given: AnalyzeOptions, scratch: ScratchFolder): Promise<ReviewResult> {
  const change = changeReader(source);
  // The change's own policy and .npmrc do not judge it: the base's do, when it edits them (base-config.ts).
  const base = baseConfig(change, given.files, given.config !== undefined, scratch);
  try {
    const options: AnalyzeOptions = base.npmDir === undefined ? given : { ...given, npmDir: base.npmDir };
    const context: StepContext = { change, policy: loadPolicy(base.policyFiles, RULE_IDS, options.config), options, notices: [...base.notices] };
    const lockfiles = await lockfileStep(context);
    const names = new NameCollector();
    manifestStep(context, lockfiles.lockedDirs, names);
    const imports = importsStep(context, names);
    const asNames = await namesStep(context, names, imports);
    return await mergeResults([lockfiles, asNames], asNames.tree, context.policy, options, context.notices);
  } finally {
    base.dispose();
  }
}
