import type { Finding, RegistrySummary, RuleMeta, RunResult } from '../findings/model.js';
import type { Severity } from '../findings/model.js';
import type { TreeFormat } from '../tree/model.js';

/** Everything a renderer may show: one findings list and what it was computed from. */
export interface ReportInput {
  readonly result: RunResult;
  readonly failing: readonly Finding[];
  readonly failOn: Severity;
  /**
   * `--strict`: the policy allowlist entries (`allow[0]`) that matched nothing and so fail the run; the summary says
   * so. Of several reports of one run (check's lockfiles), those that matched nothing in any of them.
   */
  readonly strictFailures?: readonly string[] | undefined;
  readonly rules: readonly RuleMeta[];
  readonly source: {
    /** The file the tree came from, relative to the project ('package-lock.json', 'node_modules'), or '(arguments)'. */
    readonly file: string;
    /**
     * The header's words for what was checked when it is no file of the project as read (the tree npm would install,
     * worked out by arborist from package.json); the header otherwise names the file and its format.
     */
    readonly title?: string | undefined;
    /** The same file relative to `root`, '/' separated, as SARIF and annotations name it; none when in no file (names given as arguments). */
    readonly uri: string | undefined;
    /**
     * The folder every path in SARIF and annotations is relative to (SARIF's %SRCROOT%): the git root, else the
     * project's folder; as a file URL ending in '/'.
     */
    readonly rootUri: string;
    /** The project's folder relative to `root`: '' when it is the root, else ending in '/'; for the paths of packages inside it. */
    readonly project: string;
    /**
     * vet, and the names the gates judge before any tree: what was asked for, by tree location (the name or spec as
     * given, and its line in a --from file). Such names are no project's dependencies and have no place in node_modules.
     */
    readonly asked?: ReadonlyMap<string, AskedName> | undefined;
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

/** A name or spec as it was asked for (`vet lodash@^4`, a line of `vet --from names.txt`, `install x`). */
export interface AskedName {
  readonly text: string;
  /** Its line in the --from file or standard input. */
  readonly line?: number | undefined;
}
