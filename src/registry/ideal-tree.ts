import { fromArborist, newArborist } from '../tree/arborist.js';
import type { DependencyTree } from '../tree/model.js';

/**
 * The tree npm is about to install, built by arborist exactly as `npm install <specs>` would build it (the
 * user's npm configuration, the existing lockfile and node_modules), without writing anything. It asks the
 * registry for manifests, so it lives here with the other network calls.
 */
export async function buildIdealTree(projectDir: string, npmOptions: Record<string, unknown>, add: readonly string[]): Promise<DependencyTree> {
  const arborist = await newArborist({ ...npmOptions, path: projectDir });
  const tree = await arborist.buildIdealTree({ add: [...add] });
  return fromArborist(tree, { format: 'npm-lockfile-v3', sourceFile: 'package.json', projectDir }, false);
}
