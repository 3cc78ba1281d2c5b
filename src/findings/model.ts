/**
 * The finding model every layer speaks: severities, the typed facts of each finding, and the reported shape.
 * It sits below rules, report and config, so none of them needs the others to name a finding.
 */

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Higher is worse. */
export const severityRank = (severity: Severity): number => SEVERITIES.length - SEVERITIES.indexOf(severity);

/** How a candidate name imitates a popular one (src/popularity/relate.ts decides). */
export type NearMissFamily =
  | 'transposition'
  | 'keyboard-slip'
  | 'substitution'
  | 'confusable'
  | 'insertion'
  | 'repeated-character'
  | 'deletion'
  | 'delimiter'
  | 'word-order'
  | 'affix'
  | 'version-suffix'
  | 'scope'
  | 'plugin-shorthand'
  | 'scrambled'
  | 'edit-distance-2'
  | 'edit-distance-3';

/**
 * What an install script (or a file it runs) does that matters for safety, by reading its text. Nothing is
 * executed. Each signal is a short phrase shown to the user.
 */
export type ScriptSignal =
  | 'downloads and runs code'
  | 'decodes and evaluates hidden code'
  | 'runs inline code (node -e)'
  | 'reads credentials or tokens'
  | 'contacts the network'
  | 'reads cloud metadata'
  | 'spawns processes'
  | 'obfuscated';

export interface ScriptEvidence {
  readonly name: string;
  /** The script text; undefined when only the lockfile's `hasInstallScript` is known (offline). */
  readonly text: string | undefined;
}

/** Who declared a dependency: a package in the tree, or the project / a workspace itself. */
export interface Declarer {
  readonly name: string;
  readonly version: string | undefined;
  readonly isProject: boolean;
}

/** The typed facts of one finding; src/report turns each code into prose. */
export type FindingDetail =
  | { code: 'url-dependency'; url: string; declaredBy: Declarer }
  | { code: 'insecure-protocol'; url: string; protocol: string }
  | { code: 'git-dependency'; spec: string; declaredBy: Declarer; pin: GitPin; resolved: string | undefined }
  | { code: 'local-dependency'; spec: string; declaredBy: Declarer; outsideProject: boolean }
  | { code: 'alias-dependency'; installedAs: string; realName: string; spec: string | undefined }
  | { code: 'foreign-registry'; host: string; expected: string }
  | { code: 'missing-integrity'; resolved: string | undefined; unparsable: string | undefined }
  | { code: 'weak-integrity'; algorithms: readonly string[] }
  | { code: 'resolved-mismatch'; resolved: string; urlName: string; urlVersion: string }
  | { code: 'unparsable-resolved'; resolved: string }
  | {
      code: 'spec-resolution-mismatch';
      /** What the dependent asked for, and what kind of spec that is. */
      spec: string;
      specKind: 'registry' | 'remote' | 'git' | 'local';
      declaredBy: Declarer;
      /** What npm will fetch instead: `resolved`, or a link's target folder. */
      source: FetchSource;
      resolved: string;
      outsideProject: boolean;
    }
  | { code: 'invalid-spec'; name: string; spec: string; declaredBy: Declarer }
  | { code: 'unreadable-package'; problem: string }
  | {
      code: 'near-miss-name';
      target: string;
      family: NearMissFamily;
      /** undefined: below the popularity index's cut-off (`popularMin`). */
      downloads: number | undefined;
      popularMin: number;
      targetDownloads: number;
    }
  | { code: 'unregistered-name'; countsDate: string; declaredBy: Declarer; source: 'record' | 'registry' }
  | {
      code: 'install-script';
      scripts: readonly ScriptEvidence[];
      /** Package files the scripts run, with what they do. */
      files: readonly { path: string; signals: readonly ScriptSignal[] }[];
      signals: readonly ScriptSignal[];
      filesFault: string | undefined;
    }
  | { code: 'unverified'; cause: string }
  | { code: 'undeclared-import'; file: string; line: number; typeOnly: boolean }
  | { code: 'manifest-dynamic-dependency'; version: string; dependencies: readonly { name: string; spec: string; kind: 'url' | 'git' }[] }
  | { code: 'fresh-release'; version: string; published: string; hours: number; limitHours: number }
  | { code: 'new-package'; firstPublished: string; days: number; limitDays: number }
  | {
      code: 'version-drift';
      version: string;
      previous: string;
      addedScripts: readonly string[];
      addedDynamic: readonly string[];
      addedDependencies: readonly string[];
      addedBins: readonly string[];
      droppedRepository: boolean;
    };

export type FindingCode = FindingDetail['code'];

/** Where npm takes a package's bytes from, as a finding names it. */
export type FetchSource = 'tarball' | 'git' | 'file' | 'directory' | 'link' | 'registry';

/** How a git dependency is pinned: to a full commit, a semver range over tags, a named ref, or nothing. */
export type GitPin =
  | { kind: 'commit'; ref: string }
  | { kind: 'semver'; ref: string }
  | { kind: 'ref'; ref: string }
  | { kind: 'none' };

export interface PackageRef {
  /** The real package name. */
  readonly name: string;
  readonly version: string | undefined;
  /** Root-relative location in the tree, '' for the project itself. */
  readonly location: string;
  /** The name it is installed under, when that differs from its real name. */
  readonly alias: string | undefined;
}

/** One finding after the policy decided on it: the public shape every report renders. */
export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly package: PackageRef;
  /** Dependency names from the root's direct dependency down to this package. */
  readonly path: readonly string[];
  readonly detail: FindingDetail;
}

export interface RunResult {
  readonly findings: readonly Finding[];
  /** Findings the policy's allowlist removed. */
  readonly allowed: number;
  /** Allowlist entries that matched nothing: stale policy. */
  readonly unusedAllows: readonly AllowEntry[];
}

/** The facts of one finding code. */
export type DetailOf<C extends FindingCode> = Extract<FindingDetail, { readonly code: C }>;

/** A finding code's words, kept with its rule (as eslint rules keep `meta.messages`). Unescaped: each renderer escapes. */
export interface CodeText<C extends FindingCode> {
  /** What was found, as one sentence from the finding's typed facts. */
  readonly message: (detail: DetailOf<C>) => string;
  /** What to do about it, in one line. */
  readonly hint: (detail: DetailOf<C>) => string;
}

/** The words of every code a rule emits; a rule emits no code without them. */
export type RuleMessages = { readonly [C in FindingCode]?: CodeText<C> };

/** What a rule is, as reports list it (SARIF rules, docs links) and word its findings. */
export interface RuleMeta {
  readonly id: string;
  readonly description: string;
  readonly defaultSeverity: Severity;
  readonly messages: RuleMessages;
}

/** An allowlist entry of the user's policy, as reports name it when it matched nothing. */
export interface AllowEntry {
  readonly package: string;
  readonly version: string | undefined;
  readonly rule: string;
  readonly reason: string;
  /** Where the entry was written, for hints about entries that matched nothing: 'allow[2]'. */
  readonly where: string;
}

/** How the registry checks went, for the report's summary. */
export interface RegistrySummary {
  readonly asked: number;
  readonly answered: number;
  /** Packages npm's cache did not hold under --offline: not checked, not findings. */
  readonly notCached: number;
  readonly offline: boolean;
}

export function failingFindings(findings: readonly Finding[], failOn: Severity): Finding[] {
  return findings.filter((finding) => severityRank(finding.severity) >= severityRank(failOn));
}
