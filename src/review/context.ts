/**
 * What the review steps share: the change, the policy and options, the notices they raise, the names they
 * hand on to be judged as `vet` judges them, and the shape of what each step found.
 */
import type { AnalyzeOptions } from '../analysis/analyze.js';
import type { Policy } from '../config/policy.js';
import type { Finding, RegistrySummary } from '../findings/model.js';
import type { TreeFormat } from '../tree/model.js';
import { parseNameArgument, type NameArgument } from '../tree/names.js';
import type { ChangeReader } from './change.js';

/** Where a finding points in the change: a file of the repository and a line. */
export interface ChangeLocation {
  readonly uri: string;
  readonly line: number;
}

export interface Notice {
  readonly file: string;
  readonly message: string;
}

export interface StepContext {
  readonly change: ChangeReader;
  readonly policy: Policy;
  readonly options: AnalyzeOptions;
  /** Files the change touches that could not be read as what they should be: reported, the rest still checked. */
  readonly notices: Notice[];
}

/** What one step found: its findings, each with its place in the change when known. */
export interface StepResult {
  readonly findings: readonly { readonly finding: Finding; readonly location: ChangeLocation | undefined }[];
  readonly registry: RegistrySummary;
  readonly allowed: number;
  /** Packages judged: each lockfile's at head, and the names the change adds. */
  readonly packages?: number;
  /** The formats judged: each lockfile's, `names` for the names the change adds (review's header names them). */
  readonly formats?: readonly TreeFormat[];
}

/** Names (with specs) the change introduces, each with the first place it appears; judged together at the end. */
export class NameCollector {
  readonly names: NameArgument[] = [];
  readonly locations = new Map<string, ChangeLocation>();

  add(text: string, where: ChangeLocation): void {
    const { location } = parseNameArgument(text);
    if (this.locations.has(location)) return;
    this.locations.set(location, where);
    this.names.push({ text });
  }
}

export const folderOf = (path: string): string => {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
};

export const findingKey = (finding: Finding): string => `${finding.rule} ${finding.detail.code} ${finding.package.name}@${finding.package.version ?? ''}`;
