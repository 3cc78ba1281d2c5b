import type { NearMissFamily } from '../popularity/relate.js';
import type { NameIndex } from '../popularity/index.js';
import type { RegistryFacts } from '../registry/facts.js';
import type { ScriptSignal } from './support/script-signals.js';
import type { DependencyTree, Edge, PackageNode } from '../tree/model.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Higher is worse. */
export const severityRank = (severity: Severity): number => SEVERITIES.length - SEVERITIES.indexOf(severity);

/** Where packages should come from: npm's configured registry, its scoped registries, hosts the user allows. */
export interface RegistrySettings {
  readonly registry: string;
  /** npm's built-in default registry: the public one, which the offline name record describes. */
  readonly publicRegistry: string;
  /** '@scope' -> registry URL. */
  readonly scopes: ReadonlyMap<string, string>;
  /** Extra hosts (`host` or `host:port`) the user's policy trusts for tarballs and git. */
  readonly allowedHosts: readonly string[];
}

export interface RuleContext {
  readonly tree: DependencyTree;
  readonly registries: RegistrySettings;
  /** Offline knowledge of npm names: popularity, near-miss targets, the record of registered names. */
  readonly names: NameIndex;
  /** What the registry said of each package, by tree location; undefined when registry checks did not run. */
  readonly facts?: RegistryFacts | undefined;
  /** The time findings are judged at (publish ages). */
  readonly now?: Date;
  /** Thresholds of the policy that rules read. */
  readonly thresholds?: Thresholds;
  /** `review`: where changed code imports each package of the tree (by location), and whether it is declared. */
  readonly imports?: ReadonlyMap<string, ImportEvidence> | undefined;
}

export interface ImportEvidence {
  readonly file: string;
  readonly line: number;
  readonly typeOnly: boolean;
  readonly declared: boolean;
}

export interface Thresholds {
  /** A version published less than this many hours ago is fresh. */
  readonly freshReleaseHours: number;
  /** A package whose first release is younger than this many days is new. */
  readonly newPackageDays: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { freshReleaseHours: 48, newPackageDays: 30 };

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

/** How a git dependency is pinned: to a full commit, a semver range over tags, a named ref, or nothing. */
export type GitPin =
  | { kind: 'commit'; ref: string }
  | { kind: 'semver'; ref: string }
  | { kind: 'ref'; ref: string }
  | { kind: 'none' };

/** What a rule reports: the node it is about, its facts, and a severity when it differs from the default. */
export interface RuleFinding {
  readonly node: PackageNode;
  readonly detail: FindingDetail;
  readonly severity?: Severity;
}

export interface Rule {
  readonly id: string;
  readonly description: string;
  readonly defaultSeverity: Severity;
  /** Codes this rule emits (most emit one, named like the rule). */
  readonly codes: readonly FindingCode[];
  check(context: RuleContext): RuleFinding[];
}

export type { DependencyTree, Edge, PackageNode };
