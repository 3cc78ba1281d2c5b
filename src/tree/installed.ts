import { closeSync, constants, fstatSync, openSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { assertReadable, fileKind } from './files.js';
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
