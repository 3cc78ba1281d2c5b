import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseCommandArgs } from './args.js';
import { EXIT, type CliIo } from './io.js';
import { REPORT_HELP, REPORT_OPTIONS, analysisOptions, writeReport } from './report-options.js';
import { InputError } from '../errors.js';
import { findingKey, review, type ChangeSource, type ScratchFolder } from '../review/review.js';
import { GitRepo } from '../review/git.js';
import { parseUnifiedDiff } from '../text/unified-diff.js';
import { diskFiles, readRequired } from '../tree/files.js';

export const REVIEW_HELP = `Usage: depwarden review [--base <rev>] [--head <rev>] [options]
       git diff | depwarden review --diff - [options]

Checks what a change adds to a project's dependencies, with every rule, registry facts included,
and reports only the findings the change introduced: lockfiles compared at both ends, dependencies
added to package.json, and packages newly imported by changed JavaScript/TypeScript files (read
with a real parser; imports that no package.json declares are findings too).
A change that edits the policy (.depwardenrc.json, package.json#depwarden) or the root .npmrc is
judged with the base's, and a notice says so: the edit is the reviewer's to approve.

Options:
  --base <rev>                 what the change is compared with (default: the merge base with the
                               default branch)
  --head <rev>                 the changed revision (default: the working tree, untracked files included)
  --diff <file|->              read a unified diff instead of asking git; each file's other end is
                               rebuilt from the working tree's copy when it matches the diff
${REPORT_HELP}`;

export async function runReview(argv: readonly string[], io: CliIo, stdin: () => string): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { ...REPORT_OPTIONS, base: { type: 'string' }, head: { type: 'string' }, diff: { type: 'string' } });
  if (values.help) {
    io.stdout.write(REVIEW_HELP);
    return EXIT.clean;
  }
  if (positionals.length > 0) throw new InputError('review takes no arguments; see depwarden review --help');
  if (values.diff !== undefined && (values.base !== undefined || values.head !== undefined))
    throw new InputError('--diff reads the change from a diff: it takes no --base or --head');
  // Options are checked before git is asked anything: a typo in them is the first thing to say.
  const options = analysisOptions(values, io, diskFiles(io.cwd));

  let change: ChangeSource;
  let root = io.cwd;
  if (values.diff !== undefined) {
    const text = values.diff === '-' ? stdin() : readRequired(diskFiles(io.cwd), values.diff);
    const files = withFile(values.diff === '-' ? '(stdin)' : values.diff, () => parseUnifiedDiff(text));
    // The diff's paths are relative to the repository root; outside a repository, to the current folder.
    root = repositoryRoot(io.cwd) ?? io.cwd;
    change = { kind: 'diff', files, workingTree: diskFiles(root) };
  } else {
    const repo = new GitRepo(io.cwd);
    root = repo.root;
    const base = values.base ?? repo.defaultBase();
    repo.verify(base);
    if (values.head !== undefined) repo.verify(values.head);
    change = { kind: 'git', repo, base, head: values.head, workingTree: diskFiles(repo.root) };
  }
  const outcome = await review(change, { ...options, files: diskFiles(root) }, scratchFolder);
  return writeReport(
    values,
    io,
    outcome.analysis,
    { file: '(change)', absolutePath: resolve(root, 'package.json'), root, text: undefined, packages: outcome.packages, formats: outcome.formats },
    { changeLocation: (finding) => outcome.locations.get(findingKey(finding)), notices: outcome.notices },
  );
}

/** A temporary folder with the given files (the base's .npmrc), removed by dispose. */
const scratchFolder: ScratchFolder = (files) => {
  const dir = mkdtempSync(join(tmpdir(), 'depwarden-base-npmrc-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
};

function repositoryRoot(cwd: string): string | undefined {
  try {
    return new GitRepo(cwd).root;
  } catch {
    return undefined;
  }
}

/** Names the diff in its input errors, which say only the line. */
function withFile<T>(file: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof InputError && error.file === undefined) throw new InputError(error.message, file);
    throw error;
  }
}
