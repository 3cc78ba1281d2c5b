import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseCommandArgs } from './args.js';
import { EXIT, type CliIo } from './io.js';
import { REPORT_HELP, REPORT_OPTIONS, analysisOptions, combinedExitCode, renderReport, unusedEverywhere } from './report-options.js';
import { check, type CheckResult } from '../analysis/analyze.js';
import { combineReports } from '../report/combine.js';
import { InputError } from '../errors.js';
import { entryLines } from '../report/entry-lines.js';
import { LATE_HOOK_WARNING, hookContext } from '../gate/hook.js';
import { ALL_LOCKFILES, lockfilesOf, shadowedLockfile } from '../tree/other-lockfiles.js';
import { diskFiles } from '../tree/files.js';

export const CHECK_HELP = `Usage: depwarden check [dir] [options]

Checks every package in the project's lockfile (npm, yarn, pnpm, bun) or node_modules for dangerous
dependencies: URL, git and local dependencies, aliases, foreign registries, plain http,
missing or weak integrity, tampered resolved URLs, near-miss and unregistered names.
Reads the lockfile, package.json, the policy and npm's configuration; asks the registry for each
package's published manifest (npm's cache first; --offline: the cache only). Writes nothing in the
project: only npm's cache and depwarden's facts cache beside it (<npm cache>/_depwarden/).

Options:
  --node-modules               check the installed node_modules instead of the lockfile
  --lockfile <file>            check this lockfile of the project only (default: each one present,
                               the package manager's first: packageManager, else npm's, pnpm, yarn, bun)
  --hook                       run as a root preinstall hook (\`depwarden check --hook\`): checks the
                               project the install started in, and says so when npm runs it too late
${REPORT_HELP}`;

export async function runCheck(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    ...REPORT_OPTIONS,
    'node-modules': { type: 'boolean' },
    hook: { type: 'boolean' },
    lockfile: { type: 'string' },
  });
  if (values.help) {
    io.stdout.write(CHECK_HELP);
    return EXIT.clean;
  }
  if (positionals.length > 1) throw new InputError(`check takes one project folder; found ${positionals.length}`);
  if (values.lockfile !== undefined && values['node-modules']) throw new InputError('--lockfile and --node-modules exclude each other');
  // As a root preinstall hook the project is where the install started, and npm may be too late to stop.
  const hook = values.hook ? hookContext(io.env) : undefined;
  if (hook?.runsLate) io.stderr.write(`${LATE_HOOK_WARNING}\n`);
  const dir = resolve(values.hook ? (io.env.INIT_CWD ?? io.cwd) : io.cwd, positionals[0] ?? '.');
  if (positionals[0] !== undefined) requireFolder(dir, positionals[0]);
  const files = diskFiles(dir);
  let nodeModules = values['node-modules'] ?? false;
  // As a hook: the lockfile of the manager running the install (its user agent), else any lockfile one reads.
  const hookLockfiles = hook === undefined ? [] : hook.manager === 'unknown' ? ALL_LOCKFILES : lockfilesOf(hook.manager);
  const hookLockfile = values.lockfile ?? hookLockfiles.find((file) => files.readText(file) !== undefined);
  if (hook && hookLockfile === undefined) {
    // A first install has no lockfile yet: check what was installed so far, if anything.
    if (!existsSync(join(dir, 'node_modules'))) {
      io.stderr.write('depwarden: nothing to check yet (no lockfile, no node_modules)\n');
      return EXIT.clean;
    }
    nodeModules = true;
  }
  const options = { ...analysisOptions(values, io, files), nodeModules };
  const outcomes: CheckResult[] = [await check({ ...options, lockfile: nodeModules ? values.lockfile : (hookLockfile ?? values.lockfile) })];
  const { notChecked } = outcomes[0]!.project;
  // Several lockfiles: each is checked, the package manager's first; the install hook checks only the one its manager installs from.
  if (hook) {
    const read = outcomes[0]!.tree.sourceFile;
    const present = nodeModules ? [] : ALL_LOCKFILES.filter((file) => files.readText(file) !== undefined);
    const others = present.filter((file) => file !== read && !shadowedLockfile(file, read, present));
    const manager = hook.manager === 'unknown' ? 'the package manager' : hook.manager;
    if (others.length) io.stderr.write(`depwarden: read ${read}, the lockfile ${manager} installs from; also found, not checked: ${others.join(', ')}\n`);
  } else if (notChecked?.length) {
    // bun's binary lockfile cannot be read; beside the lockfile the package manager uses, it is named, as before.
    for (const lockfile of notChecked) if (lockfile !== 'bun.lockb') outcomes.push(await check({ ...options, lockfile }));
    const checked = outcomes.map(({ tree }) => tree.sourceFile);
    if (outcomes.length > 1)
      io.stderr.write(`depwarden: ${outcomes.length} lockfiles, each checked: ${checked.join(', ')} (${checked[0]} is the one the package manager uses)\n`);
    if (notChecked.includes('bun.lockb'))
      io.stderr.write(
        "depwarden: also found bun.lockb, not checked: bun's binary lockfile cannot be read (`bun install --save-text-lockfile` writes bun.lock)\n",
      );
  }
  // --strict fails on an entry that matched nothing in any lockfile: each report says that, not its own.
  const unused = unusedEverywhere(outcomes);
  const reports = outcomes.map((outcome) => {
    const { tree, lockfileText } = outcome.project;
    return {
      file: tree.sourceFile,
      text: renderReport(values, io, outcome, {
        file: tree.sourceFile,
        absolutePath: join(dir, tree.sourceFile),
        projectDir: dir,
        unusedEverywhere: unused,
        text: lockfileText,
        lines: lockfileText === undefined ? undefined : entryLines(tree, lockfileText),
      }),
    };
  });
  io.stdout.write(combineReports(values.format ?? 'text', reports));
  return combinedExitCode(values, outcomes);
}

/** check takes a project folder: a file given in its place (often the lockfile itself) is named for what it is. */
function requireFolder(dir: string, given: string): void {
  const stat = statSync(dir, { throwIfNoEntry: false });
  if (stat === undefined) throw new InputError(`no such folder: ${given}; check takes a project folder`);
  if (stat.isDirectory()) return;
  const name = basename(dir);
  const lockfile = (ALL_LOCKFILES as readonly string[]).includes(name)
    ? ` (to check only this lockfile: depwarden check ${dirname(given)} --lockfile ${name})`
    : ' (the folder with package.json and the lockfile; --lockfile <name> picks one of its lockfiles)';
  throw new InputError(`${given} is a file; check takes a project folder${lockfile}`);
}
