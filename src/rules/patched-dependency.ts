import { parseUnifiedDiff } from '../text/unified-diff.js';
import { isInputError } from '../errors.js';
import type { DependencyTree, PackageNode, PatchReference } from '../tree/model.js';
import { berryPatchHash } from '../tree/berry-patch-hash.js';
import { pnpmPatchHashMatches } from '../tree/patches.js';
import { defineRule, type RuleFinding } from './types.js';
import { orderedSignals, SIGNAL_TEXT, trustedHosts } from './install-script.js';
import { analyzePatchedFile } from '../scripts/patch.js';
import { SignalSet } from '../scripts/evidence.js';
import { analyzeShell } from '../scripts/shell.js';
import { judgeSignals } from '../scripts/judge.js';
import { severityRank } from '../findings/model.js';

/** The scripts npm, pnpm, yarn and bun run when they install a package. */
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare'];
// Anywhere on an added line (`"scripts": { "postinstall": "…" }` fits on one): a key elsewhere that bears such a
// name is reported too, which errs on the side of looking.
const ADDED_SCRIPT = new RegExp(`"(${INSTALL_SCRIPTS.join('|')})"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)"`, 'g');

/**
 * A patch (pnpm's and bun's `patchedDependencies`, a yarn berry `patch:` locator) is project code the package manager
 * writes into a registry package before that package's install scripts run, so it is listed (low) with its file. A
 * patch that gives the package an install script it does not have (a `scripts` entry, or a `binding.gyp` that makes
 * the manager run `node-gyp rebuild`) is high. A patch file the lockfile names that cannot be read, or (pnpm) whose
 * hash is not the lockfile's, cannot be judged: medium. One outside the project (`../`, absolute, a symlink out) is
 * not read at all (a lockfile must not make depwarden read the machine's files) and is high: the manager would apply
 * a file the repository does not hold. The lines a patch adds to the package's code (JavaScript, shell) are read with
 * the install-script analysis, added lines only (src/scripts/patch.ts): an `execSync("curl … | sh")` patched into
 * index.js is as grave as in an install script (patch-adds-code, at the severity of its signals).
 */
export const patchedDependency = defineRule({
  id: 'patched-dependency',
  description: 'A package the package manager patches with a project file before its install scripts run.',
  defaultSeverity: 'low',
  messages: {
    'patched-dependency': {
      message: (detail) => `patched by ${detail.file} before its install scripts run: what is installed is not what the registry serves`,
      hint: () => 'read the patch as project code; drop it once the fix is released',
    },
    'patch-unreadable': {
      message: (detail) => `patched by ${detail.file}, which cannot be read as a patch (${detail.problem}): what it changes cannot be judged`,
      hint: () => 'commit the patch file the lockfile names, or regenerate the patch with the package manager',
    },
    'patch-adds-install-script': {
      message: (detail) => `patched by ${detail.file}, which gives it an install script (${detail.script}): "${detail.command}"`,
      hint: () => 'remove the script from the patch; if the project needs it, run it from the project’s own scripts',
    },
    'patch-adds-code': {
      message: (detail) => {
        const kinds = orderedSignals(detail.signals)
          .map((signal) => SIGNAL_TEXT[signal.kind])
          .filter((text, index, all) => all.indexOf(text) === index);
        return `patched by ${detail.file}, whose lines added to ${detail.path} ${kinds.join(', ')}: code the package did not ship runs in it`;
      },
      hint: () => 'read the evidence lines; drop the patch, or take what it needs into the project’s own code where it can be reviewed',
      evidence: (detail) =>
        orderedSignals(detail.signals).map((signal) => ({
          file: signal.file,
          line: signal.line,
          text: `${SIGNAL_TEXT[signal.kind]}${signal.host ? ` (${signal.host})` : ''}: ${signal.excerpt}`,
        })),
    },
    'patch-outside-project': {
      message: (detail) =>
        `patched by ${detail.file}, a file outside the project: the lockfile points the package manager at a file the project does not hold (depwarden did not read it), so what it changes cannot be judged`,
      hint: () => 'keep patch files in the project (patches/, .yarn/patches/) and regenerate the lockfile; treat a lockfile that points outside as tampered',
    },
    'patch-hash-mismatch': {
      message: (detail) => `patched by ${detail.file}, whose content is not what the lockfile hashed (${detail.recorded})`,
      // Measured with pnpm 7, 8 and 9: `--frozen-lockfile` refuses it (ERR_PNPM_LOCKFILE_CONFIG_MISMATCH).
      hint: (detail) =>
        detail.manager === 'yarn'
          ? 'the patch changed after yarn locked it: run `yarn install` and review the patch and the lockfile it writes'
          : 'pnpm --frozen-lockfile refuses this lockfile: run `pnpm install` and review the patch and the lockfile it writes',
    },
  },
  check({ tree, registries }) {
    const findings: RuleFinding[] = [];
    const trusted = trustedHosts(registries);
    for (const patch of tree.patches ?? []) {
      // A patch that matches no package is still project code the lockfile names: reported on the project.
      const nodes = patch.locations.map((location) => tree.nodes.get(location)).filter((node): node is PackageNode => node !== undefined);
      for (const node of nodes.length > 0 ? nodes : [tree.root]) findings.push(...judge(patch, node, tree, trusted));
    }
    return findings;
  },
});

function judge(patch: PatchReference, node: PackageNode, tree: DependencyTree, trusted: (host: string) => boolean): RuleFinding[] {
  // The path from the project's folder: berry writes `~/.yarn/patches/…`, where `~` is the project, not the home folder.
  const file = patch.path || patch.file || '(no file)';
  if (patch.outside) return [{ node, detail: { code: 'patch-outside-project', file }, severity: 'high' }];
  if (patch.text === undefined) return [{ node, detail: { code: 'patch-unreadable', file, problem: patch.problem ?? 'not read' }, severity: 'medium' }];
  let diff: ReturnType<typeof parseUnifiedDiff>;
  try {
    diff = parseUnifiedDiff(patch.text);
  } catch (error) {
    if (!isInputError(error)) throw error;
    // parseUnifiedDiff's words are written for `review --diff`: said here of a patch file.
    const problem = patch.text.trim() === '' ? 'the file is empty' : `not a unified diff: ${error.message.replace(/^is not a unified diff: /, '')}`;
    return [{ node, detail: { code: 'patch-unreadable', file, problem }, severity: 'medium' }];
  }
  const findings: RuleFinding[] = [];
  for (const changed of diff) {
    if (changed.path === 'package.json') {
      for (const { text } of changed.added) {
        for (const [, script, command] of text.matchAll(ADDED_SCRIPT)) {
          // High at least; what the command does may make it worse (a curl piped to a shell, a token sent out).
          const signals = new SignalSet();
          analyzeShell(command!, 'package.json', signals);
          const judged = judgeSignals(signals.all, trusted);
          const severity = judged !== undefined && severityRank(judged) > severityRank('high') ? judged : 'high';
          findings.push({ node, detail: { code: 'patch-adds-install-script', file, script: script!, command: command! }, severity });
        }
      }
    }
    // The install-script analysis on the lines the patch adds to the package's code, at the severity its signals have.
    if (changed.status !== 'deleted') {
      const signals = analyzePatchedFile(changed, changed.path);
      const severity = judgeSignals(signals, trusted);
      if (severity !== undefined) findings.push({ node, detail: { code: 'patch-adds-code', file, path: changed.path, signals }, severity });
    }
    // node-gyp rebuild runs at install for a package with a binding.gyp and no install script of its own.
    if (changed.path === 'binding.gyp' && changed.status === 'added') {
      findings.push({ node, detail: { code: 'patch-adds-install-script', file, script: 'install', command: 'node-gyp rebuild' }, severity: 'high' });
    }
  }
  if (patch.hash !== undefined && hashMatches(tree.format, patch.hash, patch.text) === false) {
    findings.push({
      node,
      detail: { code: 'patch-hash-mismatch', file, recorded: patch.hash, manager: tree.format === 'yarn-berry' ? 'yarn' : 'pnpm' },
      severity: 'medium',
    });
  }
  return findings.length > 0 ? findings : [{ node, detail: { code: 'patched-dependency', file } }];
}

/** Whether the recorded hash is the file's, undefined when it cannot be recomputed exactly (then nothing is said). */
function hashMatches(format: DependencyTree['format'], recorded: string, text: string): boolean | undefined {
  if (format === 'pnpm-lockfile') return pnpmPatchHashMatches(recorded, text);
  if (format !== 'yarn-berry') return undefined;
  const computed = berryPatchHash(text);
  return computed === undefined ? undefined : computed === recorded;
}
