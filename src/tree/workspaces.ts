import { mapWorkspaces } from '../cjs.js';

/**
 * Matches lockfile locations against package.json `workspaces` (an array or `{ packages: [...] }`) the way npm
 * reads a lockfile: @npmcli/map-workspaces' `virtual` matching (arborist's loadVirtual uses it), with `!` negations,
 * over the lockfile's own locations. It reads no disk, so the loader stays pure. A declaration npm would reject
 * matches nothing: its links are then judged as ordinary local links, never skipped.
 */
export function workspaceMatcher(workspaces: unknown, locations: Iterable<string>): (location: string) => boolean {
  const list = Array.isArray(workspaces)
    ? workspaces
    : typeof workspaces === 'object' && workspaces !== null && Array.isArray((workspaces as { packages?: unknown }).packages)
      ? (workspaces as { packages: unknown[] }).packages
      : [];
  const patterns = list.filter((pattern): pattern is string => typeof pattern === 'string');
  if (patterns.length === 0) return () => false;
  // Each location named after itself: the result is keyed by name, and folders' names may repeat.
  const packages: Record<string, object> = { '': { workspaces: patterns } };
  for (const location of locations) if (location !== '') packages[location] = { name: location };
  const matched = new Set<string>();
  for (const paths of mapWorkspaces().virtual({ cwd: '.', lockfile: { packages } }).values()) matched.add(paths.replace(/\\/g, '/'));
  return (location) => matched.has(location);
}
