import type { Finding, RegistrySummary, RuleMeta, RunResult } from '../findings/model.js';
import type { Severity } from '../findings/model.js';
import type { TreeFormat } from '../tree/model.js';

/** Everything a renderer may show: one findings list and what it was computed from. */
export interface ReportInput {
  readonly result: RunResult;
  readonly failing: readonly Finding[];
  readonly failOn: Severity;
  /** `--strict`: a policy allowlist entry that matched nothing fails the run; the summary says so. */
  readonly strict?: boolean | undefined;
  readonly rules: readonly RuleMeta[];
  readonly source: {
    /** The file the tree came from, relative to the project ('package-lock.json', 'node_modules'). */
    readonly file: string;
    /** The same file as SARIF should name it: relative to where the tool runs, '/' separated. */
    readonly uri: string;
    readonly format: TreeFormat;
    readonly packages: number;
    /** review: the formats of all it judged (each changed lockfile's, `names` for names added); `format` is one of them. */
    readonly formats?: readonly TreeFormat[] | undefined;
    /** The lockfile's text, for line numbers; absent for node_modules. */
    readonly text: string | undefined;
    /** Line numbers by tree location: where each package's entry starts in the lockfile, or its name in a names file. */
    readonly lines?: ReadonlyMap<string, number> | undefined;
  };
  readonly tool: { readonly name: string; readonly version: string; readonly homepage: string };
  /** How the registry checks went. */
  readonly registry: RegistrySummary;
  /** `review`: where in the change each finding comes from (a file and a line), when known. */
  readonly changeLocation?: ((finding: Finding) => { readonly uri: string; readonly line: number } | undefined) | undefined;
  /** Files that could not be read as what they should be: said once each, never silently skipped. */
  readonly notices?: readonly { readonly file: string; readonly message: string }[] | undefined;
}
