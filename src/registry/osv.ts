import type { SemVer } from 'semver';
import { semver } from '../cjs.js';

/**
 * OSV advisories as depwarden reads them (https://ossf.github.io/osv-schema/): untrusted data, every field
 * checked before use. Only malware is in scope: `MAL-` ids, the ids of OSSF's malicious-packages reports (other
 * databases' malware advisories carry a `MAL-` alias); vulnerabilities of honest packages are another tool's job.
 */
export interface OsvAdvisory {
  readonly id: string;
  readonly summary: string | undefined;
  readonly withdrawn: boolean;
  /** When the advisory last changed (ISO), when it says. */
  readonly modified: string | undefined;
  readonly affected: readonly OsvAffected[];
}

export interface OsvAffected {
  readonly name: string;
  readonly versions: readonly string[];
  readonly ranges: readonly { readonly type: string; readonly events: readonly Record<string, string>[] }[];
}

/** The public OSV API; a base URL, not a package registry (`--osv-url`, policy `advisories.osvUrl`). */
export const DEFAULT_OSV_URL = 'https://api.osv.dev';
/** Where OSV publishes its npm export (one JSON per advisory in a zip). */
export const DEFAULT_OSV_EXPORT_URL = 'https://osv-vulnerabilities.storage.googleapis.com/npm/all.zip';

/** An OSV JSON document as an advisory, keeping only npm packages; undefined when it is not one. */
export function parseAdvisory(value: unknown): OsvAdvisory | undefined {
  if (!isRecord(value) || typeof value.id !== 'string') return undefined;
  const affected: OsvAffected[] = [];
  for (const entry of Array.isArray(value.affected) ? value.affected : []) {
    if (!isRecord(entry) || !isRecord(entry.package)) continue;
    const { ecosystem, name } = entry.package;
    if (typeof ecosystem !== 'string' || ecosystem.toLowerCase() !== 'npm' || typeof name !== 'string') continue;
    const versions = Array.isArray(entry.versions) ? entry.versions.filter((v): v is string => typeof v === 'string') : [];
    const ranges = (Array.isArray(entry.ranges) ? entry.ranges : []).filter(isRecord).map((range) => ({
      type: typeof range.type === 'string' ? range.type : '',
      events: (Array.isArray(range.events) ? range.events : [])
        .filter(isRecord)
        .map((event) => Object.fromEntries(Object.entries(event).filter((pair): pair is [string, string] => typeof pair[1] === 'string'))),
    }));
    affected.push({ name, versions, ranges });
  }
  return {
    id: value.id,
    summary:
      typeof value.summary === 'string' && value.summary.trim() ? value.summary : typeof value.details === 'string' ? firstLine(value.details) : undefined,
    withdrawn: value.withdrawn !== undefined && value.withdrawn !== null,
    modified: typeof value.modified === 'string' ? value.modified : undefined,
    affected,
  };
}

export const isMalwareId = (id: string): boolean => id.startsWith('MAL-');

/** Whether the advisory is a malware report: a `MAL-` id or alias. */
export function isMalware(value: unknown, advisory: OsvAdvisory): boolean {
  if (isMalwareId(advisory.id)) return true;
  const aliases = isRecord(value) && Array.isArray(value.aliases) ? value.aliases : [];
  return aliases.some((alias) => typeof alias === 'string' && isMalwareId(alias));
}

/**
 * Whether `name@version` is affected, by OSV's rules: listed in `versions`, or inside a SEMVER (or, for npm,
 * ECOSYSTEM: npm versions are semver) range, whose events open (`introduced`) and close (`fixed` excluded,
 * `last_affected` included) intervals in version order. Withdrawn advisories affect nothing.
 */
export function affects(advisory: OsvAdvisory, name: string, version: string): boolean {
  if (advisory.withdrawn) return false;
  return advisory.affected.some((entry) => entry.name === name && (entry.versions.includes(version) || entry.ranges.some((range) => inRange(range, version))));
}

function inRange(range: OsvAffected['ranges'][number], version: string): boolean {
  if (range.type !== 'SEMVER' && range.type !== 'ECOSYSTEM') return false;
  const target = semver.parse(version);
  if (!target) return false;
  const at = (text: string): SemVer | null | 'zero' => (text === '0' ? 'zero' : semver.parse(text.replace(/^v/, '')));
  const compare = (text: string): number | undefined => {
    const point = at(text);
    if (point === 'zero') return -1;
    return point ? semver.compare(point, target) : undefined;
  };
  const key = (event: Record<string, string>): string => event.introduced ?? event.fixed ?? event.last_affected ?? event.limit ?? '0';
  const events = range.events
    .filter((event) => at(key(event)) !== null)
    .sort((a, b) => {
      const [left, right] = [at(key(a)), at(key(b))];
      if (left === 'zero' || right === 'zero') return left === right ? 0 : left === 'zero' ? -1 : 1;
      return semver.compare(left!, right!);
    });
  let affected = false;
  for (const event of events) {
    if (event.introduced !== undefined && (compare(event.introduced) ?? 1) <= 0) affected = true;
    else if (event.fixed !== undefined && (compare(event.fixed) ?? 1) <= 0) affected = false;
    else if (event.last_affected !== undefined && (compare(event.last_affected) ?? 1) < 0) affected = false;
  }
  return affected;
}

const firstLine = (text: string): string | undefined =>
  text
    .split('\n')
    .find((line) => line.trim())
    ?.trim()
    .slice(0, 200);

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
