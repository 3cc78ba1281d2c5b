import type { Finding } from '../findings/model.js';
import { npmKeyPath } from './entry-lines.js';
import { objectKeyLines } from './json-lines.js';
import type { AskedName, ReportInput } from './types.js';

export interface FindingPlace {
  /** Relative to the report's root; undefined when the finding is in no file (a name given as an argument). */
  readonly uri: string | undefined;
  /** Undefined when the line is not known (a package in node_modules, a lockfile without entry lines). */
  readonly line: number | undefined;
  /** What was asked for, when the finding is on a name asked for (vet, the gates' names). */
  readonly asked?: AskedName | undefined;
}

/**
 * Where each finding points, the same in every renderer: its place in the change (review), else the line of the
 * name asked for in a --from file (none for an argument), else its package's entry in the lockfile, else
 * (node_modules) the package's own package.json.
 */
export function findingLocator(input: ReportInput): (finding: Finding) => FindingPlace {
  // Without the lines of each entry (check gives them for every format), an npm lockfile's are found here.
  const keyLines =
    input.source.lines !== undefined || input.source.text === undefined || !input.source.format.startsWith('npm-lockfile')
      ? new Map<string, number>()
      : objectKeyLines(input.source.text);
  return (finding) => {
    const inChange = input.changeLocation?.(finding);
    if (inChange) return inChange;
    const location = finding.package.location;
    const asked = input.source.asked?.get(location);
    if (asked) return { uri: asked.line === undefined ? undefined : input.source.uri, line: asked.line, asked };
    if (input.source.format === 'node-modules' && location) return { uri: `${input.source.project}${location}/package.json`, line: undefined };
    const line = input.source.lines?.get(location) ?? keyLines.get(npmKeyPath(input.source.format === 'npm-lockfile-v1', location));
    return { uri: input.source.uri, line };
  };
}
