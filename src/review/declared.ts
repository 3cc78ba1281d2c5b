import { posix } from 'node:path';
import { declared } from './manifest-changes.js';

type Json = Readonly<Record<string, unknown>>;

/**
 * Which package.json files apply to a source file: the one in its folder and every one above it, up to the
 * repository root (a workspace's root manifest applies to its packages). Names of the repository's own
 * packages count as declared: they are local, not fetched.
 */
export class DeclaredDependencies {
  private readonly localNames: Set<string>;

  constructor(
    /** package.json contents by folder, '' for the repository root. */
    private readonly manifests: ReadonlyMap<string, Json>,
    /** tsconfig `paths` patterns by folder ('@app/*', 'utils'). */
    private readonly pathAliases: ReadonlyMap<string, readonly string[]>,
  ) {
    this.localNames = new Set([...manifests.values()].map((manifest) => manifest.name).filter((name): name is string => typeof name === 'string'));
  }

  isDeclared(file: string, packageName: string): boolean {
    if (this.localNames.has(packageName)) return true;
    return foldersUp(file).some((folder) => declared(this.manifests.get(folder)).has(packageName));
  }

  /** A tsconfig `paths` alias of the nearest tsconfig above the file: not a package at all. */
  isAlias(file: string, specifier: string): boolean {
    const folder = foldersUp(file).find((candidate) => this.pathAliases.has(candidate));
    const patterns = folder === undefined ? [] : this.pathAliases.get(folder)!;
    return patterns.some((pattern) => (pattern.endsWith('*') ? specifier.startsWith(pattern.slice(0, -1)) : specifier === pattern));
  }
}

function foldersUp(file: string): string[] {
  const folders: string[] = [];
  let folder = posix.dirname(file);
  while (true) {
    folders.push(folder === '.' ? '' : folder);
    if (folder === '.' || folder === '/' || folder === '') break;
    folder = posix.dirname(folder);
  }
  return folders;
}

/** `compilerOptions.paths` keys of a tsconfig text (JSON with comments and trailing commas). */
export function tsconfigPaths(text: string): string[] {
  try {
    const json = JSON.parse(
      text.replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (match, string: string | undefined) => string ?? '').replace(/,(\s*[}\]])/g, '$1'),
    ) as { compilerOptions?: { paths?: Record<string, unknown> } };
    return Object.keys(json.compilerOptions?.paths ?? {});
  } catch {
    return [];
  }
}
