import { npa } from '../cjs.js';
import type { Result as NpaResult } from 'npm-package-arg';
import type { GitPin } from '../findings/model.js';
import { tryUrl } from './urls.js';

/** What a dependency spec asks npm to fetch, in the terms the rules need. */
export type SpecKind =
  | { readonly type: 'registry'; readonly realName: string }
  | { readonly type: 'remote'; readonly url: string }
  | { readonly type: 'git'; readonly pin: GitPin; readonly url: string }
  | { readonly type: 'local'; readonly path: string }
  | { readonly type: 'invalid' };

// Most specs in a real tree are one simple semver range (`^1.2.3`, `~1.2`, `1.x`); answering those without npa keeps
// a 2,000-package check fast. The pattern admits only what semver reads as a valid range, so npa would say the same
// (test/npm/specs.test.ts compares them); anything else (`.5` is a folder to npa, `^` an invalid tag) goes to npa.
const NUMBER = '(?:0|[1-9]\\d*)';
const PRERELEASE_ID = '(?:0|[1-9]\\d*|\\d*[A-Za-z-][0-9A-Za-z-]*)';
const TAIL = `(?:-${PRERELEASE_ID}(?:\\.${PRERELEASE_ID})*)?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?`;
const WILD = '[xX*]';
const COMPARATOR = `(?:(?:[~^]|>=?|<=?|=) *)?v?${NUMBER}(?:\\.(?:${NUMBER}(?:\\.(?:${NUMBER}${TAIL}|${WILD}))?|${WILD}(?:\\.${WILD})?))?`;
const PLAIN_RANGE = new RegExp(`^${COMPARATOR}$|^\\*$|^$|^latest$`);
// A compound range of such comparators, space-separated within a set and sets joined by `||` (`^1.2.3 || ^2.0.0`,
// `>=1.0.0 <2`), which a lockfile's manifests hold often: semver reads every such string as a valid range, so npa
// says `range` too (the same test compares them), and a check need not load npa for them. semver also reads spaces
// between an operator and its version (`>= 1.43.0 < 2`, as mime-db's dependents write it): one such spec in a
// lockfile would otherwise load npa, hosted-git-info and all of semver for a check.
const COMPOUND_RANGE = new RegExp(`^ *${COMPARATOR}(?: +${COMPARATOR})* *(?:\\|\\| *${COMPARATOR}(?: +${COMPARATOR})* *)*$`);
const FULL_COMMIT = /^[0-9a-f]{40}$/i;
// An npm alias of a plain name to such a range (`npm:string-width@^4.2.0`, which @isaacs/cliui's `-cjs` aliases put in
// most lockfiles): npa reads it as an alias of that name. The name is one validate-npm-package-name accepts as it is
// (the pattern of src/tree/names.ts: lower-case letters, digits and - . _ ~, not leading . or _, optionally scoped).
const PLAIN_ALIAS = /^npm:((?:@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*)@(.*)$/;
const RESERVED_NAMES = new Set(['node_modules', 'favicon.ico']);

const cache = new Map<string, SpecKind>();

/** A semver range (or `latest`, or nothing) that npm fetches from the registry by name, read without npa (see PLAIN_RANGE). */
export const isRangeSpec = (spec: string): boolean => PLAIN_RANGE.test(spec) || COMPOUND_RANGE.test(spec);

/** What a spec fetches, without the details: for a range no object is made (a vet of 20,000 names asks it of each in several rules). */
export const specType = (name: string, spec: string): SpecKind['type'] => (isRangeSpec(spec) ? 'registry' : classifySpec(name, spec).type);

export function classifySpec(name: string, spec: string): SpecKind {
  if (isRangeSpec(spec)) return { type: 'registry', realName: name };
  const alias = PLAIN_ALIAS.exec(spec);
  if (alias && !RESERVED_NAMES.has(alias[1]!) && isRangeSpec(alias[2]!)) return { type: 'registry', realName: alias[1]! };
  const key = `${name}\u0000${spec}`;
  let kind = cache.get(key);
  if (!kind) {
    kind = classifyWithNpa(name, spec);
    cache.set(key, kind);
  }
  return kind;
}

function classifyWithNpa(name: string, spec: string): SpecKind {
  // npm-package-arg does not know pnpm/yarn's `link:`; npm itself would fail on it, but it still names a local path.
  if (/^link:/i.test(spec)) return { type: 'local', path: spec.slice('link:'.length) };
  let parsed: NpaResult;
  try {
    // A fixed `where` keeps file specs independent of the process's working directory.
    parsed = npa.resolve(name, spec, '/');
  } catch {
    try {
      // `vet` passes URL and git specs under a placeholder name; the spec alone still says what it is.
      parsed = npa(spec, '/');
    } catch {
      return { type: 'invalid' };
    }
  }
  switch (parsed.type) {
    case 'range':
    case 'version':
    case 'tag':
      return { type: 'registry', realName: parsed.name ?? name };
    case 'alias': {
      const sub = (parsed as NpaResult & { subSpec?: NpaResult }).subSpec;
      return { type: 'registry', realName: sub?.name ?? name };
    }
    case 'remote':
      return { type: 'remote', url: parsed.fetchSpec ?? spec };
    case 'git':
      return { type: 'git', pin: gitPin(parsed), url: (parsed.hosted as { https?: () => string } | undefined)?.https?.() ?? parsed.fetchSpec ?? spec };
    case 'file':
    case 'directory':
      return { type: 'local', path: spec.replace(/^file:/i, '') };
    default:
      return { type: 'invalid' };
  }
}

function gitPin(parsed: NpaResult): GitPin {
  const range = (parsed as NpaResult & { gitRange?: string | null }).gitRange;
  if (range) return { kind: 'semver', ref: range };
  const committish = parsed.gitCommittish;
  if (!committish) return { kind: 'none' };
  return FULL_COMMIT.test(committish) ? { kind: 'commit', ref: committish } : { kind: 'ref', ref: committish };
}

/** How a lockfile's `resolved` says a package was fetched. */
export type ResolvedKind = 'tarball-url' | 'git' | 'file' | 'path' | 'unparsable';

export function classifyResolved(resolved: string): ResolvedKind {
  if (/^git(?:\+[a-z]+)?:/i.test(resolved)) return 'git';
  if (/^file:/i.test(resolved)) return 'file';
  if (/^https?:/i.test(resolved)) return tryUrl(resolved) ? 'tarball-url' : 'unparsable';
  if (/^[a-z][a-z0-9+.-]*:/i.test(resolved)) return 'unparsable';
  return 'path';
}

/**
 * What npm fetches for a lockfile entry: arborist installs `${name}@${resolved}` through pacote, so `resolved`
 * means what npm-package-arg reads in it. A bare `owner/repo` is GitHub shorthand (git), `../x` a folder,
 * `x.tgz` a tarball file; a version, range or tag sends npm back to the registry by name.
 */
export type ResolvedSource =
  | { readonly type: 'tarball'; readonly url: string }
  | { readonly type: 'git'; readonly url: string }
  | { readonly type: 'file'; readonly path: string }
  | { readonly type: 'directory'; readonly path: string }
  | { readonly type: 'registry' }
  | { readonly type: 'invalid' };

const HTTP_URL = /^https?:\/\//i;
const sources = new Map<string, ResolvedSource>();

export function resolvedSource(name: string, resolved: string): ResolvedSource {
  // Nearly every entry of a real lockfile is a registry tarball URL: answered without npa.
  if (HTTP_URL.test(resolved)) return tryUrl(resolved) ? { type: 'tarball', url: resolved } : { type: 'invalid' };
  const key = `${name}\u0000${resolved}`;
  let source = sources.get(key);
  if (!source) {
    source = sourceWithNpa(name, resolved);
    if (sources.size >= 100_000) sources.clear();
    sources.set(key, source);
  }
  return source;
}

function sourceWithNpa(name: string, resolved: string): ResolvedSource {
  let parsed: NpaResult;
  try {
    parsed = npa.resolve(name, resolved, '/');
  } catch {
    return { type: 'invalid' };
  }
  switch (parsed.type) {
    case 'remote':
      return tryUrl(resolved) ? { type: 'tarball', url: resolved } : { type: 'invalid' };
    case 'git':
      return { type: 'git', url: resolved };
    case 'file':
      return { type: 'file', path: resolved.replace(/^file:/i, '') };
    case 'directory':
      return { type: 'directory', path: resolved.replace(/^file:/i, '') };
    case 'range':
    case 'version':
    case 'tag':
    case 'alias':
      return { type: 'registry' };
    default:
      return { type: 'invalid' };
  }
}
