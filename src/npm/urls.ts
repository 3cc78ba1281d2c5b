/** The name and version a registry's tarball URL names. */
export interface RegistryTarball {
  readonly name: string;
  readonly version: string;
}

/**
 * The name and version a registry's tarball URL names. Written by hand: no npm library reads a tarball URL back.
 * The shapes registries produce, under any path prefix (Artifactory, Nexus, verdaccio, Azure, GitLab):
 * - `/<name>/-/<basename>-<version>.tgz`, the scope as its own segment or URL-encoded (`@scope%2fname`);
 * - `/@scope/name/-/@scope/name-<version>.tgz` (GitLab keeps the scope in the file name);
 * - `/download/@scope/name/<version>/<digest>` (GitHub Packages).
 * A query or a `#sha1` (yarn classic) is not part of the path.
 */
export function parseRegistryTarball(url: URL): RegistryTarball | undefined {
  const segments = url.pathname.split('/').map(safeDecode);
  const dash = segments.lastIndexOf('-');
  if (dash >= 1 && dash === segments.length - 3 && segments[dash + 1]!.startsWith('@')) {
    return namedTarball(segments.slice(0, dash), `${segments[dash + 1]}/${segments[dash + 2]}`);
  }
  if (dash >= 1 && dash === segments.length - 2) return namedTarball(segments.slice(0, dash), segments[dash + 1]!);
  return githubDownload(segments);
}

/** `<name>/-/<file>`: the name from the segments before `-`, the version from the file. */
function namedTarball(before: readonly string[], file: string): RegistryTarball | undefined {
  if (!file.endsWith('.tgz')) return undefined;
  const last = before.at(-1)!;
  const previous = before.length >= 2 ? before.at(-2)! : '';
  const name = last.startsWith('@') ? last : previous.startsWith('@') ? `${previous}/${last}` : last;
  const basename = name.slice(name.indexOf('/') + 1);
  // GitLab (and an encoded slash) keep the scope in the file name: it must be the name's own scope.
  const scoped = file.startsWith('@') && name.startsWith('@') && file.startsWith(`${name.slice(0, name.indexOf('/'))}/`);
  const stem = (scoped ? file.slice(file.indexOf('/') + 1) : file).slice(0, -'.tgz'.length);
  // A file that does not start with the name still names *some* package: report all of it as the version-less name.
  if (!stem.startsWith(`${basename}-`)) return { name: file.slice(0, -'.tgz'.length), version: '' };
  return { name, version: stem.slice(basename.length + 1) };
}

/** GitHub Packages: `/download/@scope/name/<version>/<digest>` (it serves scoped packages only). */
function githubDownload(segments: readonly string[]): RegistryTarball | undefined {
  const download = segments.length - 5;
  if (download < 0 || segments[download] !== 'download' || !segments[download + 1]!.startsWith('@')) return undefined;
  const [scope, name, version, digest] = segments.slice(download + 1);
  if (!name || !version || !digest || name.startsWith('@')) return undefined;
  return { name: `${scope}/${name}`, version };
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
