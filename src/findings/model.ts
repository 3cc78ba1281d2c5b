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
 * What an install script (or a file it runs) does that matters for safety, read as code (JavaScript) or as shell,
 * never executed. src/scripts derives them; the install-script rule judges their combination.
 */
export type ScriptSignalKind =
  /** Credentials, tokens or the whole environment reach a network call. */
  | 'exfiltrates'
  /** Machine details (user, host name, home folder) reach a network call. */
  | 'sends-machine-details'
  /** Decoded or decrypted data reaches exec, eval or Function. */
  | 'decode-then-execute'
  /** Code or a program fetched from the network is run. */
  | 'download-and-execute'
  /** Another JavaScript runtime (bun, deno) or a binary is downloaded at install. */
  | 'downloads-runtime'
  /** A socket wired to a shell. */
  | 'reverse-shell'
  /** An AI coding CLI run with its permission checks disabled. */
  | 'ai-cli-bypass'
  /** A secret scanner (trufflehog, gitleaks) run over the machine. */
  | 'secret-scanner'
  /** A Windows DLL or script host run (rundll32, regsvr32, mshta). */
  | 'loads-native-library'
  /** Writes into .github/workflows. */
  | 'writes-workflow'
  /** Writes into other installed packages. */
  | 'writes-other-package'
  /** Reads home dotfiles, cloud credential files, wallets, token variables or the whole environment. */
  | 'reads-credentials'
  /** Reads the cloud metadata service. */
  | 'reads-cloud-metadata'
  /** eval, Function or vm on input that is not a literal. */
  | 'dynamic-code'
  /** Starts a process whose command is not a literal. */
  | 'spawns-process'
  /** Starts a process with a literal command. */
  | 'runs-command'
  /** Contacts the network (http, https, fetch, dns, net, curl, wget); `host` when it is a literal. */
  | 'network'
  /** Encoded literals, packed or _0x-renamed code, very high entropy. */
  | 'obfuscated'
  /** Runs a file of more than a megabyte, mostly a bundle nobody reads. */
  | 'large-bundle'
  /** A file the analysis could not read as code. */
  | 'unparsable';

/** One thing a script does, with where it says so. */
export interface ScriptSignal {
  readonly kind: ScriptSignalKind;
  /** Package-relative file, or `package.json#scripts.postinstall` for the script text itself. */
  readonly file: string;
  readonly line: number;
  /** The source line (trimmed, cut to a readable length). Unescaped package text. */
  readonly excerpt: string;
  /** The host a network signal names, when it is a literal. */
  readonly host?: string | undefined;
}

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
  /** The root is the names asked for (vet, the gates' names), not a project: the spec is what was asked for. Set by the report. */
  readonly asked?: boolean | undefined;
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
  | { code: 'resolved-not-tarball'; resolved: string; host: string }
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
  | {
      code: 'other-package';
      /** The name and spec the dependent asked for (an alias's spec names its real package). */
      name: string;
      spec: string;
      declaredBy: Declarer;
      /** The package the lockfile installs in its place. */
      installs: string;
      version: string | undefined;
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
      /** The same words under the scope named by the other name's first word (`@x/linux-64`, `x-linux-64`). */
      scopeMove: boolean;
      /** The established packages that declare it, when they lowered the severity; empty otherwise. */
      vouchedBy: readonly string[];
    }
  | { code: 'unregistered-name'; countsDate: string; declaredBy: Declarer; source: 'record' | 'registry' }
  | {
      code: 'install-script';
      scripts: readonly ScriptEvidence[];
      /** Package files the scripts run and the local files those load, as read (bounded). */
      files: readonly { path: string; bytes: number }[];
      /** What the scripts and files do, with evidence lines. */
      signals: readonly ScriptSignal[];
      filesFault: string | undefined;
    }
  | { code: 'unverified'; cause: string }
  /** A package the package manager patches with a project file before its install scripts run (pnpm, bun, yarn berry). */
  | { code: 'patched-dependency'; file: string }
  | { code: 'patch-unreadable'; file: string; problem: string }
  | { code: 'patch-adds-install-script'; file: string; script: string; command: string }
  /** What the lines a patch adds to a package file do, read as install scripts are (src/scripts/patch.ts). */
  | { code: 'patch-adds-code'; file: string; path: string; signals: readonly ScriptSignal[] }
  /** The lockfile names a patch file outside the project (`../`, an absolute path, a symlink out): never read. */
  | { code: 'patch-outside-project'; file: string }
  /** pnpm, yarn berry: the lockfile's hash of the patch is not that of the file. */
  | { code: 'patch-hash-mismatch'; file: string; recorded: string; manager?: 'pnpm' | 'yarn' }
  | {
      code: 'lockfile-out-of-sync';
      /** The manifest whose declarations the lockfile does not satisfy. */
      manifest: string;
      /** Each declared dependency not satisfied: what is locked for it, undefined when nothing is. */
      dependencies: readonly { name: string; spec: string | undefined; locked: string | undefined; recorded?: string | undefined }[];
      /** The package manager whose frozen install refuses it (its lockfile's), for the fix. */
      manager?: 'yarn' | 'pnpm' | 'bun' | undefined;
    }
  | {
      code: 'lockfile-other-manager';
      /** The manager package.json names, the lockfiles it reads (none present), and the lockfile checked instead. */
      manager: string;
      lockfiles: readonly string[];
      lockfile: string;
    }
  | {
      code: 'lockfile-deleted';
      /** `review`: the lockfile the change deletes, and the manifest it leaves with none its manager reads. */
      lockfile: string;
      manifest: string;
      /** How many dependencies that manifest declares: each resolved anew by the next install. */
      dependencies: number;
    }
  | { code: 'undeclared-import'; file: string; line: number; typeOnly: boolean }
  | {
      code: 'unpinned-exec';
      /** The package as the launch names it (`some-mcp@latest`, `some-mcp`). */
      spec: string;
      /** The version it resolved to when checked: what a pin should name. */
      version: string | undefined;
      /** Where the launch is written (`.mcp.json: mcpServers.files`). */
      where: string;
    }
  | { code: 'manifest-dynamic-dependency'; version: string; dependencies: readonly { name: string; spec: string; kind: 'url' | 'git' }[] }
  | { code: 'fresh-release'; version: string; published: string; hours: number; limitHours: number }
  | { code: 'new-package'; firstPublished: string; days: number; limitDays: number }
  | {
      code: 'known-malware';
      version: string;
      advisories: readonly { id: string; summary: string | undefined }[];
      /** Where the advisories came from: the OSV API's URL or the OSV data file. */
      source: string;
    }
  | { code: 'signature-invalid'; version: string; registry: string; reason: string }
  | { code: 'signature-missing'; version: string; registry: string }
  | { code: 'provenance-dropped'; version: string; lastWithProvenance: string; withProvenance: number }
  /** A provenance or publish attestation that does not verify (sigstore), or that is about other bytes. */
  | { code: 'provenance-invalid'; version: string; reason: string }
  /** Verified provenance built from another repository than the package's `repository` field names. */
  | { code: 'provenance-repository-mismatch'; version: string; built: string; declared: string | undefined }
  | {
      code: 'version-drift';
      version: string;
      previous: string;
      addedScripts: readonly string[];
      addedDynamic: readonly string[];
      addedDependencies: readonly string[];
      /** The added dependencies that are not what an established package's upgrade usually pulls in, and why. */
      suspectDependencies: readonly { name: string; concerns: readonly DependencyConcern[] }[];
      /** The monthly downloads below which an added dependency counts as little used. */
      establishedMin: number;
      addedBins: readonly string[];
      droppedRepository: boolean;
    };

/** Why a dependency a release adds deserves a look (version-drift). */
export type DependencyConcern = 'little-used' | 'new-package' | 'near-miss' | 'install-script';

export type FindingCode = FindingDetail['code'];

/** Where npm takes a package's bytes from, as a finding names it. */
export type FetchSource = 'tarball' | 'git' | 'file' | 'directory' | 'link' | 'registry';

/** How a git dependency is pinned: to a full commit, a semver range over tags, a named ref, or nothing. */
export type GitPin = { kind: 'commit'; ref: string } | { kind: 'semver'; ref: string } | { kind: 'ref'; ref: string } | { kind: 'none' };

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
  /** Where the finding's evidence sits, gravest first: a file, a line and what it says (install scripts). */
  readonly evidence?: (detail: DetailOf<C>) => readonly EvidenceLine[];
}

/** One line of evidence inside a package: `setup.js`, line 3, "decodes data and runs it: exec(…)". */
export interface EvidenceLine {
  readonly file: string;
  readonly line: number;
  readonly text: string;
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
  /** Checks that could not speak per package, said once (a registry that publishes no signing keys, no OSV data). */
  readonly notes?: readonly string[];
}

export function failingFindings(findings: readonly Finding[], failOn: Severity): Finding[] {
  return findings.filter((finding) => severityRank(finding.severity) >= severityRank(failOn));
}
