import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadWithArborist } from './arborist.js';
import type { FileSource } from './files.js';
import type { DependencyTree } from './model.js';
import { loadPackagesLockfile } from './npm-lockfile.js';
import { Shape, isRecord, type JsonRecord } from './shape.js';
import { assertInSync } from './sync.js';
import { InputError } from '../errors.js';
import { parseJsonText } from '../json.js';
import { escapeText } from '../text/escape.js';

export interface LoadedProject {
  readonly tree: DependencyTree;
  /** The lockfile's text, for reports that point at lines in it. */
  readonly lockfileText: string | undefined;
}

/** npm's own precedence: a shrinkwrap wins over package-lock.json. */
const NPM_LOCKFILES = ['npm-shrinkwrap.json', 'package-lock.json'] as const;
const OTHER_LOCKFILES = ['yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'bun.lockb'] as const;

export async function loadProject(files: FileSource, options: { nodeModules: boolean }): Promise<LoadedProject> {
  const manifest = parseJsonFile(files, 'package.json');
  if (!manifest) throw new InputError(`no package.json in ${files.dir}`);

  if (options.nodeModules) {
    if (!existsSync(join(files.dir, 'node_modules'))) {
      throw new InputError(`no node_modules in ${files.dir}: install first, or check the lockfile without --node-modules`);
    }
    const tree = await loadWithArborist('node_modules', { format: 'node-modules', sourceFile: 'node_modules', projectDir: files.dir });
    validateNames(tree);
    return { tree, lockfileText: undefined };
  }

  for (const sourceFile of NPM_LOCKFILES) {
    const text = files.readText(sourceFile);
    if (text === undefined) continue;
    const lockfile = parseJson(text, sourceFile);
    const shape: Shape = new Shape(sourceFile);
    const version = lockfile.lockfileVersion;
    let tree: DependencyTree;
    if (version === 2 || version === 3) {
      const format = version === 2 ? 'npm-lockfile-v2' : 'npm-lockfile-v3';
      tree = loadPackagesLockfile(lockfile, manifest, { format, sourceFile, projectDir: files.dir });
    } else if (version === 1) {
      shape.record(lockfile.dependencies ?? {}, '"dependencies"');
      tree = await loadWithArborist('lockfile', { format: 'npm-lockfile-v1', sourceFile, projectDir: files.dir });
      validateNames(tree);
    } else {
      shape.fail(`has lockfileVersion ${JSON.stringify(version) ?? 'missing'}; depwarden reads versions 1, 2 and 3`);
    }
    assertInSync(tree, workspaceManifests(files, tree, manifest));
    return { tree, lockfileText: text };
  }

  const other = OTHER_LOCKFILES.find((name) => files.readText(name) !== undefined);
  if (other) {
    throw new InputError(`${other} is not supported yet: depwarden reads npm lockfiles; after installing, use --node-modules`);
  }
  throw new InputError(
    `no package-lock.json or npm-shrinkwrap.json in ${files.dir}: run \`npm install --package-lock-only\`, or use --node-modules`,
  );
}

function workspaceManifests(files: FileSource, tree: DependencyTree, root: JsonRecord): Map<string, JsonRecord> {
  const manifests = new Map<string, JsonRecord>([['', root]]);
  for (const node of tree.nodes.values()) {
    if (!node.isWorkspace) continue;
    const manifest = parseJsonFile(files, `${node.location}/package.json`);
    if (manifest) manifests.set(node.location, manifest);
  }
  return manifests;
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
    shape.packageName(node.installName, `"${escapeText(node.location)}"`);
    if (node.name !== node.installName) shape.packageName(node.name, `"${escapeText(node.location)}".name`);
  }
}
