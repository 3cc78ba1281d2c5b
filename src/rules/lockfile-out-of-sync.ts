import type { SyncProblem } from '../tree/model.js';
import { defineRule, type RuleFinding } from './types.js';

/** The command whose frozen-lockfile mode refuses the lockfile, and the one that updates it, per manager. */
const COMMANDS = {
  npm: ['npm ci', 'npm install'],
  yarn: ['yarn install --immutable (yarn classic: --frozen-lockfile)', 'yarn install'],
  pnpm: ['pnpm install --frozen-lockfile', 'pnpm install'],
  bun: ['bun install --frozen-lockfile', 'bun install'],
} as const;

const MANAGERS = { 'yarn-classic': 'yarn', 'yarn-berry': 'yarn', 'pnpm-lockfile': 'pnpm', 'bun-lockfile': 'bun' } as const;

/**
 * A lockfile that does not satisfy package.json: `npm ci` (and yarn's, pnpm's and bun's frozen-lockfile modes)
 * refuses it, and an install would resolve the unsatisfied dependencies anew, so the tree checked is not the tree
 * that gets installed. The rest of the lockfile is still checked. One finding per manifest (the root's, each
 * workspace's) naming every dependency; also one per package whose dependency has no locked entry. Low, on the
 * project: package.json names a manager (pnpm) none of whose lockfiles the project has, and another's was checked. In `review`, a
 * change that deletes the lockfile and leaves none (lockfile-deleted): everything is resolved anew, unchecked.
 */
export const lockfileOutOfSync = defineRule({
  id: 'lockfile-out-of-sync',
  description: 'The lockfile does not satisfy what package.json declares: npm ci refuses it, npm install resolves it anew.',
  defaultSeverity: 'medium',
  messages: {
    'lockfile-out-of-sync': {
      message: (detail) => {
        const unsatisfied = detail.dependencies.map(({ name, spec, locked, recorded }) =>
          spec === undefined
            ? `"${name}" is no longer declared but the lockfile still records "${recorded ?? ''}"`
            : recorded === spec
              ? `"${name}": "${spec}" is recorded in the lockfile under another dependency field`
              : recorded !== undefined
                ? `"${name}": "${spec}" is recorded in the lockfile as "${recorded}"`
                : locked === undefined
                  ? `"${name}": "${spec}" has no package locked`
                  : `"${name}": "${spec}" is not satisfied by the locked ${locked}`,
        );
        const [frozen, install] = COMMANDS[detail.manager ?? 'npm'];
        return `the lockfile does not satisfy ${detail.manifest}: ${unsatisfied.join('; ')}. ${frozen} refuses it, and ${install} would resolve these anew: what is checked here is the lockfile, not what will be installed`;
      },
      hint: (detail) => `run \`${COMMANDS[detail.manager ?? 'npm'][1]}\` to update the lockfile, then check again`,
    },
    'lockfile-other-manager': {
      message: (detail) =>
        `package.json names ${detail.manager} as the package manager, but the project has no ${detail.lockfiles.join(' or ')}: the lockfile checked, ${detail.lockfile}, is not the one ${detail.manager} reads, so ${detail.manager} resolves its own tree, which is not what is checked here`,
      hint: (detail) =>
        `install with ${detail.manager} and commit its lockfile (${detail.lockfiles[0]!}), or name the manager that wrote ${detail.lockfile} in package.json's packageManager`,
    },
    'lockfile-deleted': {
      message: (detail) =>
        `the change deletes ${detail.lockfile} and leaves ${detail.manifest} with no lockfile: the next install resolves its ${detail.dependencies} ${detail.dependencies === 1 ? 'dependency' : 'dependencies'} and all of theirs anew, to whatever the registry serves then, and none of that is checked here`,
      hint: (detail) => `keep ${detail.lockfile} in the change, or commit the lockfile that replaces it so that review can check what it locks`,
    },
  },
  check({ tree }) {
    const byDeclarer = new Map<string, SyncProblem[]>();
    for (const problem of tree.outOfSync ?? []) {
      const key = `${problem.declarer}\u0000${problem.manifest}`;
      byDeclarer.set(key, [...(byDeclarer.get(key) ?? []), problem]);
    }
    const manager = MANAGERS[tree.format as keyof typeof MANAGERS];
    const findings: RuleFinding[] = [];
    if (tree.deletedLockfile) findings.push({ node: tree.root, detail: { code: 'lockfile-deleted', ...tree.deletedLockfile } });
    // Low: the lockfile is still judged, and is often what CI installs with npm anyway; the report says which tree.
    if (tree.otherManager)
      findings.push({ node: tree.root, severity: 'low', detail: { code: 'lockfile-other-manager', ...tree.otherManager, lockfile: tree.sourceFile } });
    for (const problems of byDeclarer.values()) {
      const node = tree.nodes.get(problems[0]!.declarer);
      if (!node) continue;
      findings.push({
        node,
        detail: {
          code: 'lockfile-out-of-sync',
          manifest: problems[0]!.manifest,
          dependencies: problems.map(({ name, spec, locked, recorded }) => ({ name, spec, locked, ...(recorded === undefined ? {} : { recorded }) })),
          ...(manager ? { manager } : {}),
        },
      });
    }
    return findings;
  },
});
