import { semver, validateName } from '../cjs.js';
import { InputError } from '../errors.js';
import { SEVERITIES, type AllowEntry, type Severity } from '../findings/model.js';
import { closest } from '../text/closest.js';
import { escapeText } from '../text/escape.js';

export type { AllowEntry };

export interface Thresholds {
  /** A version published less than this many hours ago is fresh. */
  readonly freshReleaseHours: number;
  /** A package whose first release is younger than this many days is new. */
  readonly newPackageDays: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { freshReleaseHours: 48, newPackageDays: 30 };

/** The user's policy, validated. Rules propose severities; this decides. */
export interface Policy {
  readonly failOn: Severity;
  readonly allowedHosts: readonly string[];
  readonly rules: ReadonlyMap<string, Severity | 'off'>;
  readonly allow: readonly AllowEntry[];
  readonly thresholds: Thresholds;
  /** Where malware advisories come from: `advisories.osvUrl`, `advisories.osvData`. */
  readonly advisories: { readonly osvUrl: string | undefined; readonly osvData: string | undefined };
  /** How many entries `depwarden init` left in `pendingReview`, not yet reviewed (they allow nothing). */
  readonly pendingReview: number;
}

export const DEFAULT_POLICY: Policy = {
  failOn: 'high',
  allowedHosts: [],
  rules: new Map(),
  allow: [],
  thresholds: DEFAULT_THRESHOLDS,
  advisories: { osvUrl: undefined, osvData: undefined },
  pendingReview: 0,
};

const TOP_KEYS = ['$schema', 'failOn', 'allowedHosts', 'rules', 'allow', 'pendingReview', 'freshReleaseHours', 'newPackageDays', 'advisories'] as const;
const ADVISORY_KEYS = ['osvUrl', 'osvData'] as const;
const ALLOW_KEYS = ['package', 'version', 'rule', 'reason'] as const;

/** Validates the raw config object (from package.json#depwarden or .depwardenrc.json); errors name the key path. */
export function parsePolicy(raw: unknown, file: string, ruleIds: ReadonlySet<string>): Policy {
  const fail = (message: string): never => {
    throw new InputError(message, file);
  };
  const object = (value: unknown, where: string): Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : fail(`${where} must be an object`);
  const checkKeys = (value: Record<string, unknown>, known: readonly string[], where: string): void => {
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      const guess = closest(key, known);
      fail(`${where}${where ? '.' : ''}${escapeText(key)} is not a known key${guess ? `; did you mean "${guess}"?` : ` (known: ${known.join(', ')})`}`);
    }
  };
  const severity = (value: unknown, where: string, allowOff: boolean): Severity | 'off' => {
    const choices: readonly string[] = allowOff ? [...SEVERITIES, 'off'] : SEVERITIES;
    if (typeof value === 'string' && choices.includes(value)) return value as Severity | 'off';
    return fail(`${where} must be one of ${choices.join(', ')}; found ${escapeText(JSON.stringify(value) ?? 'nothing')}`);
  };
  const text = (value: unknown, where: string): string =>
    typeof value === 'string' && value.trim() !== '' ? value : fail(`${where} must be a non-empty string`);

  const config = object(raw, 'the depwarden config');
  checkKeys(config, TOP_KEYS, '');

  const failOn = config.failOn === undefined ? DEFAULT_POLICY.failOn : (severity(config.failOn, 'failOn', false) as Severity);

  const allowedHosts = config.allowedHosts === undefined ? [] : arrayOf(config.allowedHosts, 'allowedHosts', fail);
  allowedHosts.forEach((host, index) => {
    const value = text(host, `allowedHosts[${index}]`);
    if (!/^[a-z0-9.-]+(?::\d+)?$/i.test(value)) {
      const asUrl = URL.canParse(value) ? new URL(value).host : undefined;
      fail(`allowedHosts[${index}] must be a host name such as "registry.example.test"${asUrl ? `; did you mean "${asUrl}"?` : ''}`);
    }
  });

  const rules = new Map<string, Severity | 'off'>();
  for (const [id, value] of Object.entries(config.rules === undefined ? {} : object(config.rules, 'rules'))) {
    if (!ruleIds.has(id)) {
      const guess = closest(id, [...ruleIds]);
      fail(`rules.${escapeText(id)} is not a rule${guess ? `; did you mean "${guess}"?` : ''}`);
    }
    rules.set(id, severity(value, `rules.${id}`, true));
  }

  const allow = (config.allow === undefined ? [] : arrayOf(config.allow, 'allow', fail)).map((value, index): AllowEntry => {
    const where = `allow[${index}]`;
    const entry = object(value, where);
    checkKeys(entry, ALLOW_KEYS, where);
    const name = text(entry.package, `${where}.package`);
    if (!validateName(name).validForOldPackages) fail(`${where}.package "${escapeText(name)}" is not a package name`);
    const rule = text(entry.rule, `${where}.rule`);
    if (!ruleIds.has(rule)) {
      const guess = closest(rule, [...ruleIds]);
      fail(`${where}.rule "${escapeText(rule)}" is not a rule${guess ? `; did you mean "${guess}"?` : ''}`);
    }
    const version = entry.version === undefined ? undefined : text(entry.version, `${where}.version`);
    if (version !== undefined && semver.validRange(version) === null) {
      fail(`${where}.version "${escapeText(version)}" is not a semver range such as "^1.2.0"`);
    }
    const reason = text(entry.reason, `${where}.reason`);
    return { package: name, version, rule, reason, where };
  });

  const count = (key: 'freshReleaseHours' | 'newPackageDays'): number => {
    const value = config[key];
    if (value === undefined) return DEFAULT_THRESHOLDS[key];
    return typeof value === 'number' && Number.isFinite(value) && value >= 0
      ? value
      : fail(`${key} must be a number of ${key === 'freshReleaseHours' ? 'hours' : 'days'} (0 or more)`);
  };
  const thresholds = { freshReleaseHours: count('freshReleaseHours'), newPackageDays: count('newPackageDays') };
  const advisoryConfig = config.advisories === undefined ? {} : object(config.advisories, 'advisories');
  checkKeys(advisoryConfig, ADVISORY_KEYS, 'advisories');
  const osvUrl = advisoryConfig.osvUrl === undefined ? undefined : text(advisoryConfig.osvUrl, 'advisories.osvUrl');
  if (osvUrl !== undefined && !/^https?:\/\//i.test(osvUrl))
    fail(`advisories.osvUrl must be an http(s) URL such as "https://osv.example.test"; found "${escapeText(osvUrl)}"`);
  const osvData = advisoryConfig.osvData === undefined ? undefined : text(advisoryConfig.osvData, 'advisories.osvData');
  // Written by `depwarden init`: scripts listed for a person to review; they allow nothing until moved to `allow`.
  const pendingReview = config.pendingReview === undefined ? 0 : arrayOf(config.pendingReview, 'pendingReview', fail).length;
  return { failOn, allowedHosts: allowedHosts as string[], rules, allow, thresholds, advisories: { osvUrl, osvData }, pendingReview };
}

function arrayOf(value: unknown, where: string, fail: (message: string) => never): unknown[] {
  return Array.isArray(value) ? value : fail(`${where} must be an array`);
}
