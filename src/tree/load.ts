import { loadWithArborist } from './arborist.js';
import type { FileSource } from './files.js';
import { relative, sep } from 'node:path';
import { createNode } from './build.js';
import type { DependencyTree, PackageNode, SyncProblem } from './model.js';
import { addDeclaredEdges } from './npm-lockfile.js';
import { loadPackagesLockfile } from './npm-lockfile.js';
import {
  OTHER_LOCKFILES,
  declaredManager,
  shadowedLockfile,
  loadOtherLockfile,
  lockfilesOf,
  workspacesManifest,
  type OtherLockfile,
} from './other-lockfiles.js';
import { lockSyncProblems, unlockedDependencies } from './lock-sync.js';
import { validateLockfileV1 } from './npm-lockfile-v1.js';
import { Shape, describe, isRecord, shown, type JsonRecord } from './shape.js';
import { syncProblems } from './sync.js';
import { overrideProblems } from './overrides.js';
import { InputError } from '../errors.js';
import { parseJsonText } from '../json.js';
import { mapWorkspaces, npa } from '../cjs.js';

export interface LoadedProject {
  readonly tree: DependencyTree;
  /** The lockfile's text, for reports that point at lines in it. */
  readonly lockfileText: string | undefined;
  /** Other lockfiles the project has, which this load did not read (`check` reads each in turn); none with `lockfile`. */
  readonly notChecked?: readonly string[];
}

/** npm's own precedence: a shrinkwrap wins over package-lock.json. */
const NPM_LOCKFILES = ['npm-shrinkwrap.json', 'package-lock.json'] as const;
const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const;

/** `lockfile`: read that one (review reads the lockfile a change touched), not the one the manager would pick. */
export async function loadProject(files: FileSource, options: { nodeModules: boolean; lockfile?: string | undefined }): Promise<LoadedProject> {
  const manifest = parseJsonFile(files, 'package.json');
  if (!manifest) throw new InputError(`no package.json in ${files.dir}`);
  // arborist reads the root's dependencies itself (v1, node_modules) and crashes on a spec that is not a string.
  const manifestShape: Shape = new Shape('package.json');
  for (const field of DEPENDENCY_FIELDS) {
    for (const [name, spec] of Object.entries(manifestShape.optionalRecord(manifest[field], `"${field}"`) ?? {})) {
      if (typeof spec !== 'string') manifestShape.fail(`"${field}"["${shown(name)}"] must be a string, found ${describe(spec)}`);
    }
  }

  if (options.nodeModules) {
    const tree = await loadWithArborist('node_modules', { format: 'node-modules', sourceFile: 'node_modules', projectDir: files.dir });
    validateNames(tree);
    return { tree, lockfileText: undefined };
  }

  // The lockfile the package manager would use: the one package.json's `packageManager` names, else npm's, else the
  // first other that exists. The others found are named, so the user knows which one was not checked.
  const manager = declaredManager(manifest);
  const order = [...new Set([...lockfilesOf(manager), ...NPM_LOCKFILES, ...OTHER_LOCKFILES])];
  if (options.lockfile !== undefined && !order.includes(options.lockfile))
    throw new InputError(`--lockfile must name one of the project's lockfiles (${order.join(', ')}); found "${shown(options.lockfile)}"`);
  // `lockfile`: that one alone, as asked.
  // Each lockfile is read once: the one checked is megabytes, and reading it to see that it is there is most of the work.
  const texts = new Map<string, string | undefined>();
  const readOnce = (name: string): string | undefined => {
    if (!texts.has(name)) texts.set(name, files.readText(name));
    return texts.get(name);
  };
  const present = options.lockfile !== undefined ? [options.lockfile] : order.filter((name) => readOnce(name) !== undefined);
  const sourceFile = present[0];
  if (sourceFile === undefined) {
    throw new InputError(
      `no lockfile in ${files.dir} (package-lock.json, npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml or bun.lock): run \`npm install --package-lock-only\`, or use --node-modules`,
    );
  }
  const notChecked = present.slice(1).filter((name) => !shadowedLockfile(name, sourceFile, present));
  // A lockfile of another manager than the one package.json names, when that one has none here: it installs its own tree.
  const managerLockfiles = lockfilesOf(manager);
  const otherManager =
    options.lockfile === undefined && manager !== undefined && managerLockfiles.length > 0 && !managerLockfiles.some((name) => readOnce(name) !== undefined)
      ? { otherManager: { manager, lockfiles: managerLockfiles } }
      : {};
  const text = readOnce(sourceFile);
  if (text === undefined) throw new InputError(`no ${sourceFile} in ${files.dir}`);
  if (!(NPM_LOCKFILES as readonly string[]).includes(sourceFile)) {
    const tree = await loadOtherLockfile(files, sourceFile as OtherLockfile, text, manifest);
    // What the manager's frozen-lockfile mode refuses is a finding too (lockfile-out-of-sync), as for npm.
    const outOfSync = lockSyncProblems(tree, workspaceManifests(files, tree, manifest));
    outOfSync.push(...(await addUnlockedWorkspaces(files, tree, workspacesManifest(files, sourceFile as OtherLockfile, manifest))));
    return { tree: { ...tree, outOfSync, ...otherManager }, lockfileText: text, notChecked };
  }
  const lockfile = parseJson(text, sourceFile);
  const shape: Shape = new Shape(sourceFile);
  const version = lockfile.lockfileVersion;
  let tree: DependencyTree;
  if (version === 2 || version === 3) {
    const format = version === 2 ? 'npm-lockfile-v2' : 'npm-lockfile-v3';
    tree = loadPackagesLockfile(lockfile, manifest, { format, sourceFile, projectDir: files.dir });
  } else if (version === 1) {
    // arborist reads each linked folder's package.json; a FIFO there would block it forever.
    for (const folder of validateLockfileV1(lockfile, sourceFile)) files.readText(`${folder}/package.json`);
    tree = await loadWithArborist('lockfile', { format: 'npm-lockfile-v1', sourceFile, projectDir: files.dir });
    validateNames(tree);
  } else {
    shape.fail(
      `${version === undefined ? 'has no lockfileVersion' : `has lockfileVersion ${shown(JSON.stringify(version))}`}; depwarden reads versions 1, 2 and 3`,
    );
  }
  // Out of sync is a finding (lockfile-out-of-sync), and the rest is still checked; `depwarden ci` refuses it.
  const outOfSync = syncProblems(tree, workspaceManifests(files, tree, manifest));
  outOfSync.push(...unlockedDependencies(tree, false));
  const { problems, overriddenSpecs } = overrideProblems(tree, manifest);
  outOfSync.push(...problems);
  outOfSync.push(...(await addUnlockedWorkspaces(files, tree, manifest)));
  return { tree: { ...tree, outOfSync, ...otherManager, ...(overriddenSpecs.size > 0 ? { overriddenSpecs } : {}) }, lockfileText: text, notChecked };
}

function workspaceManifests(files: FileSource, tree: DependencyTree, root: JsonRecord): Map<string, JsonRecord> {
  const manifests = new Map<string, JsonRecord>([['', root]]);
  for (const node of tree.nodes.values()) {
    // yarn, pnpm and bun trees link each workspace into node_modules: the folder has the package.json.
    if (!node.isWorkspace || (node.isLink && !tree.format.startsWith('npm-'))) continue;
    const manifest = parseJsonFile(files, `${node.location}/package.json`);
    if (manifest) manifests.set(node.location, manifest);
  }
  return manifests;
}

/**
 * Workspaces package.json lists that the lockfile lacks: npm ci refuses the lockfile (its ideal tree gains the
 * workspace), and npm install would resolve their dependencies anew. Each is added to the tree as a workspace
 * whose dependencies are declared only (nothing locked), so their names and specs are still judged, as `vet`
 * judges names. The folders are found as npm finds them (@npmcli/map-workspaces over the disk).
 */
async function addUnlockedWorkspaces(files: FileSource, tree: DependencyTree, manifest: JsonRecord): Promise<SyncProblem[]> {
  if (manifest.workspaces === undefined) return [];
  let folders: Map<string, string>;
  try {
    folders = await mapWorkspaces()({ cwd: files.dir, pkg: manifest });
  } catch (error) {
    throw new InputError(`"workspaces" cannot be read as npm reads it: ${(error as Error).message.split('\n')[0]}`, 'package.json');
  }
  const nodes = tree.nodes as Map<string, PackageNode>;
  const problems: SyncProblem[] = [];
  for (const [name, folder] of folders) {
    const location = relative(files.dir, folder).replaceAll(sep, '/');
    if (nodes.has(location) || nodes.has(`node_modules/${name}`)) continue;
    const manifestFile = `${location}/package.json`;
    const workspaceManifest = parseJsonFile(files, manifestFile) ?? {};
    const shape: Shape = new Shape(manifestFile);
    const version = shape.optionalString(workspaceManifest.version, '"version"');
    const workspace = createNode({ location, installName: name, name, version, isWorkspace: true });
    addDeclaredEdges(shape, workspace, workspaceManifest, manifestFile, true);
    nodes.set(location, workspace);
    for (const edge of workspace.edgesOut.values()) {
      const at = `${location}/node_modules/${edge.name}`;
      const declared = nodes.get(at) ?? createNode({ location: at, installName: edge.name, name: declaredName(edge.name, edge.spec), declaredOnly: true });
      nodes.set(at, declared);
      edge.to = declared;
      declared.edgesIn.push(edge);
    }
    problems.push({ manifest: 'package.json', declarer: '', name, spec: `file:${location}`, locked: undefined });
  }
  return problems;
}

/** The real name an `npm:` alias installs, else the name itself. */
function declaredName(name: string, spec: string): string {
  try {
    const parsed = npa.resolve(name, spec) as unknown as { type: string; subSpec?: { name: string | null } };
    return parsed.type === 'alias' ? (parsed.subSpec?.name ?? name) : name;
  } catch {
    return name;
  }
}

function parseJsonFile(files: FileSource, path: string): JsonRecord | undefined {
  const text = files.readText(path);
  return text === undefined ? undefined : parseJson(text, path);
}

function parseJson(text: string, file: string): JsonRecord {
  if (text.trim() === '') throw new InputError('is empty', file);
  const value = parseJsonText(text, file);
  if (!isRecord(value)) throw new InputError('must hold a JSON object', file);
  return value;
}

/** Arborist accepts folder and lockfile names npm would never write; they are tampering, not data. */
function validateNames(tree: DependencyTree): void {
  const shape: Shape = new Shape(tree.sourceFile);
  for (const node of tree.nodes.values()) {
    if (node.isRoot || node.isLinkTarget || !node.location.includes('node_modules/')) continue;
    shape.packageName(node.installName, `"${shown(node.location)}"`);
    if (node.name !== node.installName) shape.packageName(node.name, `"${shown(node.location)}".name`);
  }
}
