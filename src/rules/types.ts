import type { DependencyTree } from '../tree/model.js';
import type { CodeText, FindingCode, FindingDetail, RuleMeta, Severity } from '../findings/model.js';
import type { Thresholds } from '../config/policy.js';
import type { RegistrySettings } from '../npm/registries.js';
import type { NameIndex } from '../popularity/index.js';
import type { RegistryFacts } from '../registry/facts.js';
import type { AdvisoryFacts } from '../registry/advisories.js';
import type { AttestationFacts } from '../registry/attestations.js';
import type { KeysResult } from '../registry/client.js';
import type { PackageNode } from '../tree/model.js';

export interface RuleContext {
  readonly tree: DependencyTree;
  readonly registries: RegistrySettings;
  /** Offline knowledge of npm names: popularity, near-miss targets, the record of registered names. */
  readonly names: NameIndex;
  /** What the registry said of each package, by tree location; undefined when registry checks did not run. */
  readonly facts?: RegistryFacts | undefined;
  /** What OSV's malware reports say of each package, by tree location; undefined when they were not read. */
  readonly advisories?: AdvisoryFacts | undefined;
  /** What the attestations of each package with provenance came to, by tree location; undefined when not verified. */
  readonly attestations?: AttestationFacts | undefined;
  /** The signing keys of each registry the tree's packages come from (by registry URL); undefined when not asked. */
  readonly signingKeys?: ReadonlyMap<string, KeysResult> | undefined;
  /** The time findings are judged at (publish ages). */
  readonly now?: Date;
  /** Thresholds of the policy that rules read. */
  readonly thresholds?: Thresholds;
  /** `review`: where changed code imports each package of the tree (by location), and whether it is declared. */
  readonly imports?: ReadonlyMap<string, ImportEvidence> | undefined;
  /** `exec`/`mcp`: the packages started without an install (by tree location), with the spec they are started by. */
  readonly launches?: ReadonlyMap<string, LaunchEvidence> | undefined;
}

export interface LaunchEvidence {
  readonly spec: string;
  /** Where the launch is written: a config file and key, or '(arguments)'. */
  readonly where: string;
}

export interface ImportEvidence {
  readonly file: string;
  readonly line: number;
  readonly typeOnly: boolean;
  readonly declared: boolean;
}

/** What a rule reports: the node it is about, its facts, and a severity when it differs from the default. */
export interface RuleFinding {
  readonly node: PackageNode;
  readonly detail: FindingDetail;
  readonly severity?: Severity;
}

/** A rule: its metadata and words, and a pure function from the read-only context to findings. */
export interface Rule extends RuleMeta {
  check(context: RuleContext): RuleFinding[];
}

/** A rule as its file writes it: `messages` names every code it emits, and types each message's facts. */
export interface RuleDefinition<C extends FindingCode> extends Omit<RuleMeta, 'messages'> {
  readonly messages: { readonly [K in C]: CodeText<K> };
  check(context: RuleContext): RuleFinding[];
}

export const defineRule = <C extends FindingCode>(rule: RuleDefinition<C>): Rule => rule;
