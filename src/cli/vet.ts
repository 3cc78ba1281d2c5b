import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseCommandArgs } from './args.js';
import { EXIT, type CliIo } from './io.js';
import { REPORT_HELP, REPORT_OPTIONS, analysisOptions, askedText, combinedExitCode, renderReport } from './report-options.js';
import type { AskedName } from '../report/types.js';
import { vet, type Analysis } from '../analysis/analyze.js';
import { combineReports } from '../report/combine.js';
import { InputError } from '../errors.js';
import { escapeName } from '../text/escape.js';
import { npa } from '../cjs.js';
import { classifySpec, isRangeSpec } from '../npm/specs.js';
import { diskFiles, readRequired } from '../tree/files.js';
import { trimLine } from '../text/trim.js';
import { parseNameArgument, readVetName, readVetNames, vetRounds, type VetName } from '../tree/names.js';

export const VET_HELP = `Usage: depwarden vet <name[@range]>... [options]
       depwarden vet --from <file|-> [options]

Checks package names before they are installed, as a person or an LLM would type them after
\`npm install\`: near-miss (typo-, combo-, slop-squat) and unregistered names, URL, git, local
and alias specs. Offline it answers from depwarden's data/ files.

Options:
  --from <file|->              read names from a file, one per line ('-': standard input);
                               blank lines and lines starting with # are skipped
${REPORT_HELP}`;

export async function runVet(argv: readonly string[], io: CliIo, stdin: () => string): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { ...REPORT_OPTIONS, from: { type: 'string' } });
  if (values.help) {
    io.stdout.write(VET_HELP);
    return EXIT.clean;
  }
  if (values.from !== undefined && positionals.length > 0) throw new InputError('give names as arguments or with --from, not both');
  const fromFile = values.from !== undefined && values.from !== '-' ? resolve(io.cwd, values.from) : undefined;
  const { names: toVet, refused } =
    values.from === undefined
      ? readVetNames(positionals.map((text) => ({ text })))
      : readLines(values.from === '-' ? stdin() : readRequired(diskFiles(io.cwd), values.from));
  if (toVet.length === 0 && refused === undefined)
    throw new InputError(values.from === undefined ? 'vet needs at least one name; see depwarden vet --help' : `no names in ${values.from}`);
  if (refused !== undefined) {
    const { text, line } = refused.argument;
    const where = line === undefined ? '' : `line ${line}: `;
    throw new InputError(
      `${where}"${escapeName(text)}"${refusedWhat(text, refused.inSpec === true)} npm would install (${refused.reason})`,
      values.from === '-' ? '(stdin)' : values.from,
    );
  }

  refuseMissingPaths(toVet, io.cwd, values.from === '-' ? '(stdin)' : values.from);

  const sourceFile = values.from === undefined ? '(arguments)' : values.from === '-' ? '(stdin)' : values.from;
  // A name given again with another spec (`lodash`, then `lodash@https://…`) is judged in a later round: a tree
  // holds one package of a name, and dropping the second spec would pass what npm could fetch. Most lists make one.
  const rounds = vetRounds(toVet);
  const analyses: Analysis[] = [];
  const reports: { file: string; text: string }[] = [];
  for (const round of rounds) {
    const analysis = await vet(round, { ...analysisOptions(values, io, diskFiles(io.cwd)), sourceFile });
    analyses.push(analysis);
    reports.push({
      file: sourceFile,
      text: renderReport(values, io, analysis, {
        file: sourceFile,
        // Names given as arguments or on standard input are in no file.
        absolutePath: fromFile,
        // The list's folder, as a lockfile's is check's: paths are then relative to the git root above the list (else
        // its folder), wherever vet was run from.
        projectDir: fromFile === undefined ? io.cwd : dirname(fromFile),
        text: undefined,
        asked: findingsAsked(round, analysis),
      }),
    });
  }
  io.stdout.write(combineReports(values.format ?? 'text', reports));
  return combinedExitCode(values, analyses);
}

/**
 * What each name with a finding was asked as, with its --from line (a name given twice is judged as first given in
 * its round); only the names of findings are looked up (20,000 names have a few).
 */
function findingsAsked(round: readonly VetName[], analysis: Analysis): Map<string, AskedName> {
  const asked = new Map<string, AskedName>();
  // By name: a name's location is `node_modules/<name>`, and a name is judged once a round.
  const reported = new Set<string>();
  for (const {
    package: { location },
  } of analysis.result.findings)
    if (location.startsWith(NAME_FOLDER)) reported.add(location.slice(NAME_FOLDER.length));
  for (const { name, spec, location, line } of round)
    if (reported.has(name) && !asked.has(location)) asked.set(location, { text: askedText(name, spec), line });
  return asked;
}

const NAME_FOLDER = 'node_modules/';

/** What of a refused argument npm would not install: its name, or (a fine name, or none) its URL, git spec or version. */
function refusedWhat(text: string, inSpec: boolean): string {
  if (!inSpec) return ' is not a package name';
  const { name, spec } = parseNameArgument(text);
  return name === spec ? ' is not a spec' : `: the spec after "${escapeName(name)}@" is not one`;
}

/**
 * A local path (`./pkg`, `x@file:../y.tgz`) that does not exist is exit 2: npm would fail on it, and it may be no
 * path at all (`vet -- --registry=http://x`, which npm-package-arg reads as a folder). Read from the working
 * folder, as `npm install` reads it.
 */
function refuseMissingPaths(names: readonly VetName[], cwd: string, file: string | undefined): void {
  for (const { name, spec, line } of names) {
    if (isRangeSpec(spec) || classifySpec(name, spec).type !== 'local') continue;
    let path: string | undefined;
    try {
      // A bare path is its own name and spec (parseNameArgument).
      path = (name === spec ? npa(spec, cwd) : npa.resolve(name, spec, cwd)).fetchSpec ?? undefined;
    } catch {
      // npm cannot read it as a path (pnpm's `link:`): the local-dependency rule reports it.
      continue;
    }
    if (path !== undefined && !existsSync(path)) {
      const where = line === undefined ? '' : `line ${line}: `;
      throw new InputError(`${where}"${escapeName(name === spec ? spec : `${name}@${spec}`)}" is a local path that does not exist (${escapeName(path)})`, file);
    }
  }
}

/** The names of a --from text, one a line (see readVetNames), each read as its line is found. */
function readLines(text: string): ReturnType<typeof readVetNames> {
  const names: VetName[] = [];
  // A byte order mark (Notepad's UTF-8) is no part of the first name, as it is no part of a JSON lockfile (src/json.ts).
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // One pass by index, no array of every line: a --from file may hold tens of thousands of names. A line's
  // trailing \r (a CRLF file) goes with the trim.
  for (let start = 0, line = 1; start <= text.length; line++) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    const trimmed = trimLine(text.slice(start, end));
    if (trimmed !== '' && !trimmed.startsWith('#')) {
      const vetName = readVetName(trimmed, line);
      if ('reason' in vetName) return { names, refused: { argument: { text: trimmed, line }, ...vetName } };
      names.push(vetName);
    }
    start = end + 1;
  }
  return { names };
}
