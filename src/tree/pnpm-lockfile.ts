import { posix } from 'node:path';
import { jsYaml, semver } from '../cjs.js';
import type { TreeSource } from './build.js';
import { parsePnpmLockfileFast } from './pnpm-lockfile-fast.js';
import { buildLockTree, type LockedDependency, type LockedImporter, type LockedPackage } from './lock-graph.js';
import type { DependencyTree, EdgeType, PatchReference, RecordedDeclarations } from './model.js';
import { selectedPatches } from './patches.js';
import { Shape, describe, isRecord, shown, type JsonRecord } from './shape.js';

const FIELDS = [
  ['optionalDependencies', 'optional'],
  ['dependencies', 'prod'],
  ['devDependencies', 'dev'],
] as const;

/**
 * pnpm's `pnpm-lock.yaml`, lockfile versions 5.3/5.4 (pnpm 6-7), 6.x (pnpm 8) and 9.0 (pnpm 9-10): importers (the
 * project and its workspaces) with each dependency's specifier and the version it resolved to, and `packages` (9.0:
 * `packages` for where a package comes from, `snapshots` for what it depends on) keyed by `/name/1.0.0` (5.x),
 * `/name@1.0.0` (6.x) or `name@1.0.0` (9.0), peer suffixes included. Parsed with js-yaml, the YAML library pnpm uses.
 */
export function loadPnpmLockfile(text: string, source: TreeSource, manifestOf: (path: string) => JsonRecord | undefined = () => undefined): DependencyTree {
  const shape: Shape = new Shape(source.sourceFile);
  const lockfile = parseYaml(text, shape);
  const version = String(lockfile.lockfileVersion);
  const major = Number.parseInt(version, 10);
  if (![5, 6, 9].includes(major) || (major === 5 && Number(version) < 5.3)) {
    shape.fail(
      `${lockfile.lockfileVersion === undefined ? 'has no lockfileVersion' : `has lockfileVersion ${shown(version)}`}; depwarden reads pnpm lockfiles 5.3, 5.4, 6.x and 9.0`,
    );
  }
  const packagesSection = shape.optionalRecord(lockfile.packages, '"packages"') ?? {};
  const graph = major === 9 ? (shape.optionalRecord(lockfile.snapshots, '"snapshots"') ?? {}) : packagesSection;
  const catalogs = shape.optionalRecord(lockfile.catalogs, '"catalogs"') ?? {};

  const links = new Map<string, LockedPackage>();
  const importerPaths = new Set<string>();
  const importersSection = shape.optionalRecord(lockfile.importers, '"importers"') ?? { '.': lockfile };
  for (const path of Object.keys(importersSection)) importerPaths.add(normalizePath(path));
  const published = publishedFolders(importersSection, shape);

  /** A dependency's reference (`1.0.0`, `1.0.0(peer@2.0.0)`, an alias key, `link:../x`) as a package key or an importer. */
  const targetOf = (name: string, reference: string, fromPath: string): LockedDependency['target'] => {
    const linked = /^link:(.*)$/.exec(reference)?.[1];
    if (linked !== undefined) {
      const path = normalizePath(posix.join(fromPath || '.', linked));
      if (importerPaths.has(path)) return { importer: path };
      // A workspace published from a subfolder (`publishDirectory`) is linked there: still that workspace's code.
      const publishedFrom = published.get(path);
      if (publishedFrom !== undefined) return { importer: publishedFrom };
      const key = `link:${path}`;
      if (!links.has(key)) links.set(key, { name, version: undefined, resolved: undefined, integrity: undefined, dependencies: [], linkTo: path });
      return { package: key };
    }
    for (const key of major === 9 ? [`${name}@${reference}`, reference] : [reference, major === 6 ? `/${name}@${reference}` : `/${name}/${reference}`]) {
      if (Object.hasOwn(graph, key)) return { package: key };
    }
    return undefined;
  };
  /** The spec an edge shows: pnpm records the resolved version, an alias as `npm:name@version`. */
  const specOf = (name: string, reference: string, target: LockedDependency['target']): string => {
    if (!target || !('package' in target) || reference.startsWith('link:')) return reference;
    const { realName, version, resolved } = lockedOf(target.package);
    // A git, folder or tarball-file dependency is referenced by its own source. A plain version (`1.0.0`,
    // `1.0.0(react@18.0.0)`) asks the registry for that version, whatever its entry resolves to: a git or folder
    // resolution under it is what npm would call lockfile tampering (spec-resolution-mismatch judges it).
    if (resolved !== undefined && !/^https?:/.test(resolved) && semver.valid(reference.replace(/[(_].*$/, '')) === null) return resolved;
    if (/^https?:/.test(reference) || reference.startsWith('@')) return resolved ?? reference;
    return realName !== name ? `npm:${realName}@${version}` : version;
  };
  // What a package key locks, worked out once per key: every edge to it asks again.
  interface Locked {
    readonly realName: string;
    readonly version: string;
    readonly resolved?: string | undefined;
    readonly integrity?: string | undefined;
  }
  const locked = new Map<string, Locked>();
  const lockedOf = (key: string): Locked => {
    let known = locked.get(key);
    if (!known) {
      const parsed = parseKey(key, major);
      const meta = metaOf(key);
      const realName = (typeof meta.name === 'string' ? meta.name : undefined) ?? parsed.name;
      known = { realName, version: parsed.version, ...resolutionOf(meta, `"packages"["${shown(key)}"]`) };
      locked.set(key, known);
    }
    return known;
  };
  const metaOf = (key: string): JsonRecord => {
    const bare = major === 9 ? key.replace(/\(.*$/, '') : key;
    const value = packagesSection[bare] ?? (major === 9 ? undefined : packagesSection[key]);
    return value === undefined || value === null ? {} : shape.record(value, `"packages"["${shown(bare)}"]`);
  };
  const resolutionOf = (meta: JsonRecord, where: string): { resolved?: string; integrity?: string } => {
    const resolution = shape.optionalRecord(meta.resolution, `${where}.resolution`) ?? {};
    const integrity = shape.optionalString(resolution.integrity, `${where}.resolution.integrity`);
    const tarball = shape.optionalString(resolution.tarball, `${where}.resolution.tarball`);
    if (resolution.type === 'git') {
      const repo = shape.optionalString(resolution.repo, `${where}.resolution.repo`) ?? '';
      const commit = shape.optionalString(resolution.commit, `${where}.resolution.commit`) ?? '';
      return { resolved: `${/^(?:git\+|git:)/.test(repo) ? repo : `git+${repo}`}#${commit}`, integrity };
    }
    if (resolution.type === 'directory') {
      return { resolved: `file:${shape.optionalString(resolution.directory, `${where}.resolution.directory`) ?? ''}`, integrity };
    }
    // Any other type pnpm may add is kept as written: npm cannot read it, and resolved-mismatch says so.
    if (resolution.type !== undefined) return { resolved: `${String(resolution.type)}:${JSON.stringify(resolution)}`, integrity };
    return { resolved: tarball, integrity };
  };

  /** The workspace a package key is an injected copy of (`dependenciesMeta.<name>.injected`: a directory resolution to an importer). */
  const injectedOf = (key: string): string | undefined => injectedWorkspace(metaOf(key), importerPaths);

  const dependenciesOf = (record: JsonRecord, where: string, fromPath: string, specifiers?: JsonRecord): LockedDependency[] => {
    const dependencies: LockedDependency[] = [];
    for (const [field, type] of FIELDS) {
      const fieldWhere = `${where}.${field}`;
      for (const [name, value] of Object.entries(shape.optionalRecord(record[field], fieldWhere) ?? {})) {
        shape.packageName(name, fieldWhere);
        // Named only in errors: built when one is raised, not for each of the thousands of edges that pass.
        const at = (): string => `${fieldWhere}["${shown(name)}"]`;
        let reference: string;
        let specifier: string | undefined;
        if (typeof value === 'object' && value !== null) {
          const entry = shape.record(value, at());
          reference = requireString(shape, entry.version, `${at()}.version`);
          specifier = shape.optionalString(entry.specifier, `${at()}.specifier`);
        } else {
          if (typeof value !== 'string') shape.fail(`${at()} must be a string, found ${describe(value)}`);
          reference = value;
          specifier = specifiers === undefined ? undefined : shape.optionalString(specifiers[name], `${where}.specifiers["${shown(name)}"]`);
        }
        const target = targetOf(name, reference, fromPath);
        const spec = specifier === undefined ? specOf(name, reference, target) : fromCatalog(specifier, name, catalogs, shape);
        const injected = spec.startsWith('workspace:') && target && 'package' in target ? injectedOf(target.package) : undefined;
        dependencies.push({ name, spec: workspaceSpec(spec, target, injected), type: type as EdgeType, target });
      }
    }
    return dependencies;
  };

  const importers: LockedImporter[] = [];
  const recorded = new Map<string, RecordedDeclarations>();
  // pnpm 8 and later install peers by default and say so in `settings`; pnpm 7's lockfiles have no settings.
  const settings = shape.optionalRecord(lockfile.settings, '"settings"');
  const peersInstalled = settings?.autoInstallPeers === true;
  const linksExcluded = settings?.excludeLinksFromLockfile === true;
  for (const [rawPath, value] of Object.entries(importersSection)) {
    const path = normalizePath(rawPath);
    const where = lockfile.importers === undefined ? 'the lockfile' : `"importers"["${shown(rawPath)}"]`;
    const importer = shape.record(value, where);
    const specifiers = shape.optionalRecord(importer.specifiers, `${where}.specifiers`);
    // The lockfile names importers by folder only; their package.json has the name they are linked under.
    const manifest = manifestOf(path);
    const name = typeof manifest?.name === 'string' ? manifest.name : path === '' ? '' : posix.basename(path);
    const version = typeof manifest?.version === 'string' ? manifest.version : undefined;
    importers.push({ path, name, version, dependencies: dependenciesOf(importer, where, path, specifiers) });
    recorded.set(path, { fields: recordedSpecifiers(importer, specifiers), peersInstalled, linksExcluded, pnpmMeta: importerMeta(importer, where, shape) });
  }

  const packages = new Map<string, LockedPackage>(links);
  for (const [key, value] of Object.entries(graph)) {
    const where = `"${major === 9 ? 'snapshots' : 'packages'}"["${shown(key)}"]`;
    const entry = value === null ? {} : shape.record(value, where);
    const meta = metaOf(key);
    const parsed = parseKey(key, major);
    const name = shape.optionalString(meta.name, `${where}.name`) ?? parsed.name;
    shape.packageName(name, where);
    const fetched = lockedOf(key);
    // An injected workspace is a hard copy of that workspace: its name and version are its package.json's.
    const injected = injectedOf(key);
    const workspace = injected === undefined ? undefined : manifestOf(injected);
    packages.set(key, {
      name: typeof workspace?.name === 'string' ? workspace.name : name,
      version:
        injected !== undefined
          ? typeof workspace?.version === 'string'
            ? workspace.version
            : undefined
          : (shape.optionalString(meta.version, `${where}.version`) ?? parsed.version),
      isWorkspace: injected !== undefined,
      resolved: fetched.resolved,
      integrity: fetched.integrity,
      hasInstallScript: meta.requiresBuild === true,
      dependencies: dependenciesOf(entry, where, ''),
    });
  }
  const tree = buildLockTree(importers, packages, source);
  return { ...tree, recorded, patches: pnpmPatches(tree, lockfile, shape, manifestOf('')) };
}

/**
 * `patchedDependencies`: `name@version` (or `name`, or a range) -> `{ path, hash }`, or just the hash, whose file
 * package.json's `pnpm.patchedDependencies` names.
 */
function pnpmPatches(tree: DependencyTree, lockfile: JsonRecord, shape: Shape, manifest: JsonRecord | undefined): PatchReference[] {
  const declared = isRecord(manifest?.pnpm) && isRecord(manifest.pnpm.patchedDependencies) ? manifest.pnpm.patchedDependencies : {};
  const entries = Object.entries(shape.optionalRecord(lockfile.patchedDependencies, '"patchedDependencies"') ?? {}).map(([selector, value]) => {
    const where = `"patchedDependencies"["${shown(selector)}"]`;
    if (typeof value === 'string') return { selector, file: typeof declared[selector] === 'string' ? declared[selector] : undefined, hash: value };
    const entry = shape.record(value, where);
    return { selector, file: requireString(shape, entry.path, `${where}.path`), hash: shape.optionalString(entry.hash, `${where}.hash`) };
  });
  return selectedPatches(tree, entries);
}

/** The specifier of each dependency of an importer, by field, as written (before catalogs): what `--frozen-lockfile` compares. */
function recordedSpecifiers(importer: JsonRecord, specifiers: JsonRecord | undefined): Record<string, Record<string, string>> {
  const fields: Record<string, Record<string, string>> = {};
  for (const [field] of FIELDS) {
    const entries = isRecord(importer[field]) ? importer[field] : {};
    fields[field] = Object.fromEntries(
      Object.entries(entries).map(([name, value]) => {
        const specifier = isRecord(value) ? value.specifier : specifiers?.[name];
        return [name, typeof specifier === 'string' ? specifier : ''];
      }),
    );
  }
  return fields;
}

/** pnpm writes the first (`packageManagerDependencies`, pnpm 10) and the project's lockfile as YAML documents of one file. */
function parseYaml(text: string, shape: Shape): JsonRecord {
  let documents: unknown[] | undefined = parsePnpmLockfileFast(text);
  try {
    documents ??= jsYaml().loadAll(text);
  } catch (error) {
    shape.fail(`is not YAML pnpm can read: ${shown(String((error as Error).message ?? error).split('\n')[0]!)}`);
  }
  const project = documents.filter((document) => document !== null && document !== undefined).at(-1);
  return shape.record(project, 'the lockfile');
}

/** `/@s/a/1.0.0_peer@1` (5.x), `/@s/a@1.0.0(peer@1)` (6.x), `@s/a@1.0.0(peer@1)` (9.0): name and version. */
function parseKey(key: string, major: number): { name: string; version: string } {
  const bare = key.replace(/^\//, '').replace(/\(.*$/, '');
  if (major === 5) {
    const slash = bare.lastIndexOf('/');
    return { name: bare.slice(0, slash), version: bare.slice(slash + 1).replace(/_.*$/, '') };
  }
  const at = bare.indexOf('@', 1);
  return at === -1 ? { name: bare, version: '' } : { name: bare.slice(0, at), version: bare.slice(at + 1) };
}

/** `catalog:` and `catalog:<name>` take their range from the lockfile's `catalogs`, as pnpm resolves them. */
function fromCatalog(specifier: string, name: string, catalogs: JsonRecord, shape: Shape): string {
  const catalog = /^catalog:(.*)$/.exec(specifier)?.[1];
  if (catalog === undefined) return specifier;
  const entries = shape.optionalRecord(catalogs[catalog || 'default'], `"catalogs"["${shown(catalog || 'default')}"]`);
  const entry = entries?.[name];
  const range = typeof entry === 'object' && entry !== null ? (entry as JsonRecord).specifier : undefined;
  if (typeof range !== 'string') shape.fail(`uses "${shown(specifier)}" for "${shown(name)}", which "catalogs" does not define`);
  return range;
}

/**
 * npm-package-arg refuses `workspace:`; for a workspace it names the folder, as npm's lockfile does, and so for an
 * injected copy of one (`injected`: the workspace's folder), which is fetched from that folder.
 */
function workspaceSpec(spec: string, target: LockedDependency['target'], injected?: string): string {
  if (!/^workspace:/.test(spec)) return spec;
  if (target && 'importer' in target) return `file:${target.importer || '.'}`;
  return injected === undefined ? spec : `file:${injected || '.'}`;
}

/** A `packages` entry resolved to one of the project's own folders (`{type: directory}`): pnpm's injected workspace. */
function injectedWorkspace(meta: JsonRecord, importerPaths: ReadonlySet<string>): string | undefined {
  const resolution = meta.resolution;
  if (!isRecord(resolution) || resolution.type !== 'directory' || typeof resolution.directory !== 'string') return undefined;
  const path = normalizePath(resolution.directory);
  return importerPaths.has(path) ? path : undefined;
}

/** Folders workspaces are published (and linked) from, `publishDirectory` under the importer, to that importer. */
function publishedFolders(importers: JsonRecord, shape: Shape): Map<string, string> {
  const folders = new Map<string, string>();
  for (const [rawPath, value] of Object.entries(importers)) {
    if (!isRecord(value) || value.publishDirectory === undefined) continue;
    const directory = shape.optionalString(value.publishDirectory, `"importers"["${shown(rawPath)}"].publishDirectory`)!;
    const path = normalizePath(rawPath);
    folders.set(normalizePath(posix.join(path || '.', directory)), path);
  }
  return folders;
}

/** What an importer records besides its dependencies that pnpm's frozen install compares with package.json. */
function importerMeta(importer: JsonRecord, where: string, shape: Shape): RecordedDeclarations['pnpmMeta'] {
  return {
    dependenciesMeta: importer.dependenciesMeta,
    publishDirectory: shape.optionalString(importer.publishDirectory, `${where}.publishDirectory`),
  };
}

const normalizePath = (path: string): string => (path === '.' ? '' : posix.normalize(path).replace(/^\.\//, ''));

function requireString(shape: Shape, value: unknown, where: string): string {
  if (typeof value !== 'string') shape.fail(`${where} must be a string, found ${describe(value)}`);
  return value;
}
