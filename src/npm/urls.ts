/** The name and version a registry-style tarball URL names: `.../<name>/-/<basename>-<version>.tgz`. */
export interface RegistryTarball {
  readonly name: string;
  readonly version: string;
}

export function parseRegistryTarball(url: URL): RegistryTarball | undefined {
  const segments = url.pathname.split('/');
  const dash = segments.lastIndexOf('-');
  if (dash < 1 || dash !== segments.length - 2) return undefined;
  const file = safeDecode(segments[dash + 1]!);
  if (!file.endsWith('.tgz')) return undefined;
  const last = safeDecode(segments[dash - 1]!);
  // Scoped names appear as `@scope/name/-/` or, encoded, `@scope%2fname/-/`.
  const before = dash >= 2 ? safeDecode(segments[dash - 2]!) : '';
  const name = last.startsWith('@') ? last : before.startsWith('@') ? `${before}/${last}` : last;
  const basename = name.slice(name.indexOf('/') + 1);
  const stem = file.slice(0, -'.tgz'.length);
  // A file that does not start with the name still names *some* package: report all of it as the version-less name.
  if (!stem.startsWith(`${basename}-`)) return { name: stem, version: '' };
  return { name, version: stem.slice(basename.length + 1) };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `host` or `host:port` as the user writes hosts in the policy. */
export function hostOf(url: URL): string {
  return url.host.toLowerCase();
}

/** Traffic to this machine itself cannot be intercepted on a network. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

// Several rules read the same `resolved` URLs: each is parsed once per run. Never mutated by the rules.
const parsed = new Map<string, URL | null>();
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** The URL a text holds, or undefined; texts without a scheme (semver ranges, paths) are answered at once. */
export function tryUrl(text: string): URL | undefined {
  if (!HAS_SCHEME.test(text)) return undefined;
  let url = parsed.get(text);
  if (url === undefined) {
    url = URL.canParse(text) ? new URL(text) : null;
    if (parsed.size >= 100_000) parsed.clear();
    parsed.set(text, url);
  }
  return url ?? undefined;
}
