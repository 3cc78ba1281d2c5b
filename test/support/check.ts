import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { check } from '../../src/analysis/analyze.js';
import { TOOL } from '../../src/cli/tool.js';
import type { ReportInput } from '../../src/report/types.js';
import { diskFiles } from '../../src/tree/files.js';
import { packageCount } from '../../src/tree/paths.js';
import { FIXTURES } from './paths.js';
import { TEST_HOME } from './temp.js';
import { REGISTRY } from './tree.js';

/**
 * npm configuration of nobody: only the defaults and the given registry apply, HOME and npm's cache are the test
 * file's own (empty: TEST_HOME in temp.ts), so nothing a test runs reads or writes the user's ~/.npm, and npm's
 * `offline` is on so that no test can reach a real registry by accident. Online tests turn it off and name the local
 * registry.
 */
export const ISOLATED_ENV = {
  PATH: process.env.PATH,
  HOME: TEST_HOME,
  npm_config_cache: join(TEST_HOME, '.npm'),
  npm_config_userconfig: '/nonexistent/user-npmrc',
  npm_config_globalconfig: '/nonexistent/global-npmrc',
  npm_config_offline: 'true',
  // No test asks the public OSV API; the tests of known-malware start their own stand-in.
  DEPWARDEN_OSV_URL: 'off',
};

/** Runs check on a fixture project and shapes the result the way the CLI hands it to a renderer. */
export async function fixtureReport(name: string): Promise<ReportInput> {
  const outcome = await check({ files: diskFiles(join(FIXTURES, name)), nodeModules: false, env: ISOLATED_ENV, registry: REGISTRY, offline: true });
  const { tree, lockfileText } = outcome.project;
  return {
    result: outcome.result,
    failing: outcome.failing,
    failOn: outcome.failOn,
    rules: outcome.rules,
    source: {
      file: tree.sourceFile,
      // Paths relative to the fixtures folder, as the CLI makes them relative to a git root.
      uri: `${name}/${tree.sourceFile}`,
      rootUri: pathToFileURL(`${FIXTURES}/`).href,
      project: `${name}/`,
      format: tree.format,
      packages: packageCount(tree),
      text: lockfileText,
    },
    tool: { ...TOOL, version: '0.0.0-test' },
    registry: outcome.registry,
  };
}
