import { join, resolve } from 'node:path';
import { parseCommandArgs } from './args.js';
import { EXIT, type CliIo } from './io.js';
import { REPORT_HELP, REPORT_OPTIONS, analysisOptions, writeReport } from './report-options.js';
import { check } from '../check.js';
import { InputError } from '../errors.js';
import { diskFiles } from '../tree/files.js';

export const CHECK_HELP = `Usage: depwarden check [dir] [options]

Checks every package in the project's npm lockfile (or installed node_modules) for dangerous
dependencies: URL, git and local dependencies, aliases, foreign registries, plain http,
missing or weak integrity, tampered resolved URLs, near-miss and unregistered names.
Reads no network, writes nothing.

Options:
  --node-modules               check the installed node_modules instead of the lockfile
${REPORT_HELP}`;

export async function runCheck(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { ...REPORT_OPTIONS, 'node-modules': { type: 'boolean' } });
  if (values.help) {
    io.stdout.write(CHECK_HELP);
    return EXIT.clean;
  }
  if (positionals.length > 1) throw new InputError(`check takes one project folder; found ${positionals.length}`);
  const dir = resolve(io.cwd, positionals[0] ?? '.');
  const outcome = await check({ ...analysisOptions(values, io, diskFiles(dir)), nodeModules: values['node-modules'] ?? false });
  const { tree, lockfileText } = outcome.project;
  return writeReport(values, io, outcome, { file: tree.sourceFile, absolutePath: join(dir, tree.sourceFile), text: lockfileText });
}
