import { relative } from 'node:path';
import { jsYaml, mapWorkspaces } from '../cjs.js';
import { InputError, isInputError } from '../errors.js';
import { parseJsonText } from '../json.js';
import { loadBunLockfile } from './bun-lockfile.js';
import type { FileSource } from './files.js';
import type { DependencyTree } from './model.js';
import { loadPnpmLockfile } from './pnpm-lockfile.js';
import { isRecord, type JsonRecord } from './shape.js';
import { loadYarnBerry } from './yarn-berry.js';
import { isOutsideProject } from './patches.js';
import { loadYarnClassic, type ProjectManifest } from './yarn-classic.js';

/** Lockfiles of the other package managers, in the order `check` prefers them when package.json does not say. */
export const OTHER_LOCKFILES = ['pnpm-lock.yaml', 'yarn.lock', 'bun.lock', 'bun.lockb'] as const;
export type OtherLockfile = (typeof OTHER_LOCKFILES)[number];

/** Every lockfile a package manager installs from, npm's first. */
export const ALL_LOCKFILES = ['npm-shrinkwrap.json', 'package-lock.json', ...OTHER_LOCKFILES] as const;

/**
 * Whether `name` is not a lockfile of its own beside `read` (one of `present`): npm-shrinkwrap.json wins over
 * package-lock.json without comment, as in npm; so does bun.lock over bun.lockb, as in bun 1.2 and later.
 */
export const shadowedLockfile = (name: string, read: string, present: readonly string[]): boolean =>
  (read === 'npm-shrinkwrap.json' && name === 'package-lock.json') || (name === 'bun.lockb' && present.includes('bun.lock'));

/** The lockfile each manager of `packageManager` (corepack's `name@version`) writes. */
const MANAGER_LOCKFILES: Record<string, readonly OtherLockfile[]> = {
  pnpm: ['pnpm-lock.yaml'],
  yarn: ['yarn.lock'],
  bun: ['bun.lock', 'bun.lockb'],
};

/** The package manager package.json names (`packageManager`, else `devEngines.packageManager`), if any. */
export function declaredManager(manifest: JsonRecord): string | undefined {
  const field =
    manifest.packageManager ??
    (isRecord(manifest.devEngines) && isRecord(manifest.devEngines.packageManager) ? manifest.devEngines.packageManager.name : undefined);
  return typeof field === 'string' ? (/^(@?[^@+]+)/.exec(field)?.[1] ?? undefined) : undefined;
}

/** The lockfiles of a manager, or every other lockfile when the manager is not one of these. */
export const lockfilesOf = (manager: string | undefined): readonly string[] =>
  manager === 'npm' ? ['npm-shrinkwrap.json', 'package-lock.json'] : (MANAGER_LOCKFILES[manager ?? ''] ?? []);

/** Reads a yarn, pnpm or bun lockfile into the tree model. */
export async function loadOtherLockfile(files: FileSource, sourceFile: OtherLockfile, text: string, manifest: JsonRecord): Promise<DependencyTree> {
  const source = { sourceFile, projectDir: files.dir };
  // yarn berry and pnpm name workspaces by folder; their package.json files say the rest.
  const manifestAt = (path: string): JsonRecord | undefined => (path === '' ? manifest : readManifest(files, `${path}/package.json`));
  return readPatches(files, await loadTree(files, sourceFile, text, manifest, source, manifestAt));
}

/**
 * Each patch file the lockfile names, read: what the rules judge of a patch is its text. Missing or unreadable, it
 * says why (the patched-dependency rule fails closed on it).
 */
function readPatches(files: FileSource, tree: DependencyTree): DependencyTree {
  if (!tree.patches?.length) return tree;
  const patches = tree.patches.map((patch) => {
    if (patch.path === '') return { ...patch, problem: 'the lockfile records only its hash, and package.json names no file for it' };
    // A lockfile does not make depwarden read files outside the project (`../../.ssh/…`, `/etc/…`): it is the finding.
    if (isOutsideProject(patch.path) || files.isInside?.(patch.path) === false) return { ...patch, outside: true, problem: 'it is outside the project' };
    try {
      const text = files.readText(patch.path);
      return text === undefined ? { ...patch, problem: 'the file does not exist' } : { ...patch, text };
    } catch (error) {
      if (!isInputError(error)) throw error;
      return { ...patch, problem: `the file ${error.message}` };
    }
  });
  return { ...tree, patches };
}

async function loadTree(
  files: FileSource,
  sourceFile: OtherLockfile,
  text: string,
  manifest: JsonRecord,
  source: { sourceFile: OtherLockfile; projectDir: string },
  manifestAt: (path: string) => JsonRecord | undefined,
): Promise<DependencyTree> {
  switch (sourceFile) {
    case 'bun.lockb':
      throw new InputError(
        "is bun's binary lockfile, which depwarden cannot read: write the text one with `bun install --save-text-lockfile` (bun 1.2 and later write bun.lock by default), then delete bun.lockb",
        sourceFile,
      );
    case 'bun.lock':
      return loadBunLockfile(text, { ...source, format: 'bun-lockfile' });
    case 'pnpm-lock.yaml':
      return loadPnpmLockfile(text, { ...source, format: 'pnpm-lockfile' }, manifestAt);
    case 'yarn.lock':
      // berry's lockfile starts with its `__metadata`; classic's with `# yarn lockfile v1`.
      if (/^__metadata:/m.test(text)) return loadYarnBerry(text, { ...source, format: 'yarn-berry' }, manifestAt, berryRegistries(files));
      return loadYarnClassic(text, await projectManifests(files, manifest), { ...source, format: 'yarn-classic' });
  }
}

/**
 * The registry yarn berry fetches a package from, as the project's `.yarnrc.yml` says (`npmScopes.<scope>` first, then
 * `npmRegistryServer`). Not seen: the user's ~/.yarnrc.yml, YARN_* environment variables and `${VAR}` values, which
 * leave the host unknown (as without a .yarnrc.yml): such entries are judged as from the configured registry.
 */
function berryRegistries(files: FileSource): (name: string) => string | undefined {
  const text = files.readText('.yarnrc.yml');
  if (text === undefined) return () => undefined;
  let parsed: unknown;
  try {
    parsed = jsYaml().load(text);
  } catch (error) {
    throw new InputError(`is not YAML yarn can read: ${String((error as Error).message ?? error).split('\n')[0]}`, '.yarnrc.yml');
  }
  const config = isRecord(parsed) ? parsed : {};
  const server = (value: unknown): string | undefined => (typeof value === 'string' && !value.includes('${') ? value : undefined);
  const scopes = isRecord(config.npmScopes) ? config.npmScopes : {};
  return (name) => {
    const scope = name.startsWith('@') ? name.slice(1, name.indexOf('/')) : undefined;
    const scoped = scope !== undefined && isRecord(scopes[scope]) ? (scopes[scope] as JsonRecord) : undefined;
    return scoped?.npmRegistryServer !== undefined ? server(scoped.npmRegistryServer) : server(config.npmRegistryServer);
  };
}

/**
 * The root's package.json with the workspace globs the lockfile's manager reads: pnpm's are the `packages` of
 * pnpm-workspace.yaml (it ignores package.json's `workspaces`); the others read package.json's.
 */
export function workspacesManifest(files: FileSource, sourceFile: OtherLockfile, manifest: JsonRecord): JsonRecord {
  if (sourceFile !== 'pnpm-lock.yaml') return manifest;
  const text = files.readText('pnpm-workspace.yaml');
  if (text === undefined) return { ...manifest, workspaces: undefined };
  let parsed: unknown;
  try {
    parsed = jsYaml().load(text);
  } catch (error) {
    throw new InputError(`is not YAML pnpm can read: ${String((error as Error).message ?? error).split('\n')[0]}`, 'pnpm-workspace.yaml');
  }
  const packages = isRecord(parsed) ? parsed.packages : undefined;
  if (packages !== undefined && (!Array.isArray(packages) || packages.some((glob) => typeof glob !== 'string')))
    throw new InputError('"packages" must be a list of folder globs', 'pnpm-workspace.yaml');
  return { ...manifest, workspaces: packages };
}

/** The root and its workspaces' package.json files, found as npm (and yarn) find them: by the `workspaces` globs. */
async function projectManifests(files: FileSource, manifest: JsonRecord): Promise<ProjectManifest[]> {
  const projects: ProjectManifest[] = [{ path: '', manifest }];
  if (manifest.workspaces === undefined) return projects;
  let folders: Map<string, string>;
  try {
    folders = await mapWorkspaces()({ cwd: files.dir, pkg: manifest });
  } catch (error) {
    throw new InputError(`"workspaces" cannot be read: ${(error as Error).message}`, 'package.json');
  }
  for (const folder of folders.values()) {
    const path = relative(files.dir, folder).replaceAll('\\', '/');
    const workspace = readManifest(files, `${path}/package.json`);
    if (workspace) projects.push({ path, manifest: workspace });
  }
  return projects;
}

function readManifest(files: FileSource, path: string): JsonRecord | undefined {
  const text = files.readText(path);
  if (text === undefined) return undefined;
  const value = parseJsonText(text, path);
  if (!isRecord(value)) throw new InputError('must hold a JSON object', path);
  return value;
}
