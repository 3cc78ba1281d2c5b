import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { createNode } from './build.js';
import { assertReadable, fileKind } from './files.js';
import type { PackageNode } from './model.js';
import { isRecord, Shape } from './shape.js';
import { InputError } from '../errors.js';
import { parseJsonText } from '../json.js';

/**
 * What arborist would choke on in an installed tree, found before it reads anything: arborist follows symlink
 * loops forever, blocks on a FIFO package.json, and crashes on a dependency spec that is not a string. So every
 * package folder it will visit (scoped, nested, and symlink targets, each real folder once) is walked here with
 * a work list; hazards are input errors, and a package.json that is missing, a folder or not JSON is recorded
 * by location so that the package becomes a finding instead of a silently "checked" one.
 */
export function scanNodeModules(projectDir: string): ReadonlyMap<string, string> {
  const top = join(projectDir, 'node_modules');
  const kind = statOrUndefined(top, 'node_modules');
  if (!kind) throw new InputError(`no node_modules in ${projectDir}: install first, or check the lockfile without --node-modules`);
  if (!kind.isDirectory()) throw new InputError(`is not a folder but ${fileKind(kind)}`, 'node_modules');

  const root = realpathSync(projectDir);
  const problems = new Map<string, string>();
  const visited = new Set<string>();
  const folders: string[] = [top];
  for (let folder = folders.pop(); folder !== undefined; folder = folders.pop()) {
    for (const packageDir of packageFolders(folder, projectDir)) {
      const shown = relative(projectDir, packageDir).split(sep).join('/');
      if (!statOrUndefined(packageDir, shown)?.isDirectory()) continue;
      const real = realpathSync(packageDir);
      if (visited.has(real)) continue;
      visited.add(real);
      const location = relative(root, real).split(sep).join('/');
      const problem = checkManifest(join(real, 'package.json'), `${shown}/package.json`, !location.includes('node_modules/'));
      if (problem) problems.set(location, problem);
      if (statOrUndefined(join(real, 'node_modules'), `${shown}/node_modules`)?.isDirectory()) folders.push(join(real, 'node_modules'));
    }
  }
  return problems;
}

/** The package folders of one node_modules folder, as arborist lists them: dot entries skipped, scopes opened. */
function packageFolders(folder: string, projectDir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(folder)) {
    if (name.startsWith('.')) continue;
    const path = join(folder, name);
    if (!name.startsWith('@')) {
      found.push(path);
      continue;
    }
    if (!statOrUndefined(path, relative(projectDir, path))?.isDirectory()) continue;
    for (const child of readdirSync(path)) if (!child.startsWith('.')) found.push(join(path, child));
  }
  return found;
}

/** Follows symlinks; undefined when nothing is there (a dangling link); a symlink loop is an input error. */
function statOrUndefined(path: string, shown: string) {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new InputError(code === 'ELOOP' ? 'is a symlink loop' : `cannot be read (${code ?? String(error)})`, shown);
  }
}

/** Why an installed package.json cannot be judged, or undefined; hazards to arborist are thrown. */
function checkManifest(path: string, shown: string, isTop: boolean): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'it has no package.json';
    if (code === 'ELOOP') throw new InputError('is a symlink loop', shown);
    return `its package.json cannot be read (${code ?? String(error)})`;
  }
  let text: string;
  try {
    const stats = fstatSync(fd);
    if (stats.isDirectory()) return 'its package.json is a folder';
    assertReadable(stats, shown);
    text = readFileSync(fd, 'utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    return `its package.json cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  } finally {
    closeSync(fd);
  }
  let manifest: unknown;
  try {
    manifest = parseJsonText(text, shown);
  } catch {
    return 'its package.json is not valid JSON';
  }
  if (!isRecord(manifest)) return 'its package.json does not hold a JSON object';
  // Types arborist would crash on are input errors naming the key, as in lockfiles.
  const shape: Shape = new Shape(shown);
  shape.optionalString(manifest.name, '"name"');
  shape.optionalString(manifest.version, '"version"');
  const fields = ['dependencies', 'optionalDependencies', 'peerDependencies', ...(isTop ? ['devDependencies'] : [])];
  for (const field of fields) shape.specMap(manifest[field], `"${field}"`);
  return undefined;
}

/**
 * Every package folder a package manager installed, read from disk without following links: the nested
 * node_modules of npm, yarn classic, bun and berry's node-modules linker, and pnpm's store folders
 * (node_modules/.pnpm/<key>/node_modules/<name>), whose top-level entries are only links into it. Written by hand
 * because arborist's loadActual skips the `.pnpm` folder. For the gate's allowlisted install scripts: the name,
 * version and scripts each package.json declares; an unreadable package.json is skipped (its scripts never run).
 */
export function installedPackages(projectDir: string): PackageNode[] {
  const found: PackageNode[] = [];
  const folders = [join(projectDir, 'node_modules')];
  const store = join(projectDir, 'node_modules', '.pnpm');
  if (lstatOrUndefined(store)?.isDirectory()) {
    for (const key of readdirSync(store)) {
      if (key !== 'node_modules' && lstatOrUndefined(join(store, key, 'node_modules'))?.isDirectory()) folders.push(join(store, key, 'node_modules'));
    }
  }
  for (let folder = folders.pop(); folder !== undefined; folder = folders.pop()) {
    if (!lstatOrUndefined(folder)?.isDirectory()) continue;
    for (const packageDir of packageFolders(folder, projectDir)) {
      if (!lstatOrUndefined(packageDir)?.isDirectory()) continue;
      const location = relative(projectDir, packageDir).split(sep).join('/');
      const text = lstatOrUndefined(join(packageDir, 'package.json'))?.isFile() ? readRegularFileOrUndefined(join(packageDir, 'package.json')) : undefined;
      const manifest = text === undefined ? undefined : parseOrUndefined(text);
      if (manifest && typeof manifest.name === 'string') {
        const version = typeof manifest.version === 'string' ? manifest.version : undefined;
        const scripts = isRecord(manifest.scripts) ? (manifest.scripts as Record<string, string>) : undefined;
        found.push(createNode({ location, installName: manifest.name, name: manifest.name, version, scripts }));
      }
      folders.push(join(packageDir, 'node_modules'));
    }
  }
  return found;
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function readRegularFileOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function parseOrUndefined(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
