/**
 * Matches locations against package.json `workspaces` globs (array or `{ packages: [...] }`):
 * `*` within one folder, `**` across folders. A leading `./` and a trailing `/` are ignored.
 */
export function workspaceMatcher(workspaces: unknown): (location: string) => boolean {
  const list = Array.isArray(workspaces)
    ? workspaces
    : typeof workspaces === 'object' && workspaces !== null && Array.isArray((workspaces as { packages?: unknown }).packages)
      ? (workspaces as { packages: unknown[] }).packages
      : [];
  const patterns = list
    .filter((pattern): pattern is string => typeof pattern === 'string' && !pattern.startsWith('!'))
    .map(globToRegExp);
  return (location) => patterns.some((pattern) => pattern.test(location));
}

function globToRegExp(glob: string): RegExp {
  const clean = glob.replace(/^\.\//, '').replace(/\/+$/, '');
  let source = '';
  for (let index = 0; index < clean.length; index++) {
    const char = clean[index]!;
    if (char === '*' && clean[index + 1] === '*') {
      source += '.*';
      index++;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
