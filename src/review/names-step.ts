/** Review step: the names the change introduced (added dependencies, new imports), judged as `vet` judges them. */
import { analyze } from '../analysis/analyze.js';
import type { ImportEvidence } from '../rules/types.js';
import type { DependencyTree } from '../tree/model.js';
import { treeFromNames } from '../tree/names.js';
import type { NameCollector, StepContext, StepResult } from './context.js';
import { emptyResult } from './merge.js';

export async function namesStep(
  context: StepContext,
  names: NameCollector,
  imports: ReadonlyMap<string, ImportEvidence>,
): Promise<StepResult & { tree: DependencyTree }> {
  const { options } = context;
  const tree = treeFromNames(names.names, { sourceFile: '(change)', projectDir: options.files.dir });
  if (names.names.length === 0) return { ...emptyResult(options.offline), tree };
  const analysis = await analyze(tree, context.policy, { ...options, imports });
  return {
    tree,
    findings: analysis.result.findings.map((finding) => ({ finding, location: names.locations.get(finding.package.location) })),
    registry: analysis.registry,
    allowed: analysis.result.allowed,
  };
}
