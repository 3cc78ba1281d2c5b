import type { TreeSource } from './build.js';
import { buildLockTree, splitDescriptor, sriFromHex, type LockedDependency, type LockedImporter, type LockedPackage } from './lock-graph.js';
import type { DependencyTree, EdgeType, PatchReference, RecordedDeclarations } from './model.js';
import { berryPatchFiles } from './patches.js';
import { Shape, isRecord, shown, type JsonRecord } from './shape.js';
import { parseLockText } from './yarn-classic.js';

/** The `__metadata.version`s of yarn 2 to 4 (4: yarn 2, 10: yarn 4.x with cacheKey 10c0). */
export const BERRY_VERSIONS = [4, 5, 6, 7, 8, 9, 10];

/**
 * yarn berry's `yarn.lock`: entries keyed by descriptors (`name@npm:^1.0.0`), each with its `resolution` (a locator:
 * `name@npm:1.0.0`, `name@https://…`, `name@workspace:path`, `name@patch:…`), `dependencies` (descriptors) and a
 * `checksum`. Workspaces are entries too, so the lockfile alone is the graph.
 */
export function loadYarnBerry(
  text: string,
  source: TreeSource,
  manifestOf: (path: string) => JsonRecord | undefined = () => undefined,
  registryOf: (name: string) => string | undefined = () => undefined,
): DependencyTree {
  const shape: Shape = new Shape(source.sourceFile);
  const parsed = parseLockText(text, shape);
  const metadata = shape.record(parsed.__metadata, '"__metadata"');
  const version = Number(metadata.version);
  if (!BERRY_VERSIONS.includes(version)) {
    shape.fail(`has __metadata.version ${shown(String(metadata.version))}; depwarden reads yarn berry lockfiles of versions 4 to 10`);
  }
  const keyOf = new Map<string, string>();
  for (const key of Object.keys(parsed)) {
    if (key !== '__metadata') for (const descriptor of key.split(/\s*,\s*/)) keyOf.set(descriptor, key);
  }
  const importerOf = new Map<string, string>();
  const packages = new Map<string, LockedPackage>();
  const importers: LockedImporter[] = [];
  const recorded = new Map<string, RecordedDeclarations>();
  const pending: { key: string; dependencies: LockedDependency[] }[] = [];
  const patchInners = new Set<string>();
  const patchFiles = new Map<string, { file: string; path: string }[]>();

  for (const [key, value] of Object.entries(parsed)) {
    if (key === '__metadata') continue;
    const where = `"${shown(key)}"`;
    const entry = shape.record(value, where);
    const resolution = shape.optionalString(entry.resolution, `${where}.resolution`);
    const locator = resolution === undefined ? undefined : splitDescriptor(resolution);
    if (!locator) shape.fail(`${where} has no "resolution" of the form "name@reference"`);
    shape.packageName(locator.name, `${where}.resolution`);
    const dependencies: LockedDependency[] = [];
    for (const [field, type] of [
      ['optionalDependencies', 'optional'],
      ['dependencies', 'prod'],
      ['peerDependencies', 'peer'],
    ] as const) {
      // Optional dependencies are listed under `dependencies` with `dependenciesMeta.<name>.optional`.
      const meta = shape.optionalRecord(entry.dependenciesMeta, `${where}.dependenciesMeta`) ?? {};
      for (const [name, range] of shape.specMap(entry[field], `${where}.${field}`)) {
        // yarn's parser (and our fast path, its equal) gives every scalar as a string.
        const flag = (meta[name] as JsonRecord | undefined)?.optional;
        const optional = type === 'prod' && (flag === true || flag === 'true');
        dependencies.push({ name, spec: range, type: optional ? 'optional' : (type as EdgeType), target: undefined });
      }
    }
    pending.push({ key, dependencies });
    const workspacePath = /^workspace:(.*)$/.exec(locator.range)?.[1];
    if (workspacePath !== undefined) {
      const path = workspacePath === '.' ? '' : workspacePath.replace(/^\.\//, '');
      importerOf.set(key, path);
      recorded.set(path, {
        fields: {
          dependencies: Object.fromEntries(shape.specMap(entry.dependencies, `${where}.dependencies`)),
          peerDependencies: Object.fromEntries(shape.specMap(entry.peerDependencies, `${where}.peerDependencies`)),
        },
      });
      // A workspace's entry merges its devDependencies into `dependencies`: its package.json tells them apart.
      const manifest = manifestOf(path);
      const devOnly = (name: string): boolean =>
        [manifest?.devDependencies].some((field) => isRecord(field) && Object.hasOwn(field, name)) &&
        ![manifest?.dependencies, manifest?.optionalDependencies].some((field) => isRecord(field) && Object.hasOwn(field, name));
      dependencies.forEach((dependency, index) => {
        if (dependency.type === 'prod' && devOnly(dependency.name)) dependencies[index] = { ...dependency, type: 'dev' };
      });
      const version = typeof manifest?.version === 'string' ? manifest.version : undefined;
      importers.push({ path, name: locator.name, version, dependencies });
      continue;
    }
    const fetched = fetchedFrom(locator.range);
    const patchInner = /^patch:(.*?)#/.exec(locator.range)?.[1];
    if (patchInner !== undefined) {
      patchInners.add(safeDecode(patchInner));
      const files = berryPatchFiles(locator.range);
      if (files.length > 0) patchFiles.set(key, files);
    }
    const checksum = shape.optionalString(entry.checksum, `${where}.checksum`);
    const name = fetched.realName ?? locator.name;
    const version = shape.optionalString(entry.version, `${where}.version`);
    packages.set(key, {
      name,
      version,
      // An `npm:` entry records no host: yarn fetches it from the registry its configuration names for the package.
      resolved: fetched.resolved ?? (fetched.registry && version !== undefined ? registryTarball(registryOf(name), name, version) : undefined),
      linkTo: fetched.linkTo,
      integrity: checksum === undefined ? undefined : checksumIntegrity(checksum),
      dependencies,
    });
  }
  // Dependencies name descriptors; each resolves to the entry that lists it.
  for (const { dependencies } of pending) {
    dependencies.forEach((dependency, index) => {
      const key = keyOf.get(`${dependency.name}@${dependency.spec}`) ?? keyOf.get(`${dependency.name}@npm:${dependency.spec}`);
      const importer = key === undefined ? undefined : importerOf.get(key);
      dependencies[index] = {
        ...dependency,
        spec: npmSpec(dependency.spec, importer, dependency.name),
        target: key === undefined ? undefined : importer !== undefined ? { importer } : { package: key },
      };
    });
  }
  if (!importers.some((importer) => importer.path === '')) shape.fail('has no entry for the project itself ("name@workspace:.")');
  // A patch locks the package it patches under its inner descriptor too (`dw-core@npm:2.0.0`); what is installed is the
  // patched one, so that entry stays out of the tree unless something depends on it as it is.
  const targeted = new Set(pending.flatMap(({ dependencies }) => dependencies.map(({ target }) => (target && 'package' in target ? target.package : ''))));
  for (const inner of patchInners) {
    const key = keyOf.get(inner);
    if (key !== undefined && !targeted.has(key)) packages.delete(key);
  }
  const tree = buildLockTree(importers, packages, source);
  return { ...tree, recorded, patches: berryPatches(tree, patchFiles) };
}

/** The patch files of each `patch:` entry, on the nodes of that entry; yarn's builtin patches are not listed. */
function berryPatches(tree: DependencyTree, patchFiles: ReadonlyMap<string, readonly { file: string; path: string }[]>): PatchReference[] {
  const locationsOf = new Map<string, string[]>();
  for (const [location, key] of tree.entryKeys ?? []) if (patchFiles.has(key)) locationsOf.set(key, [...(locationsOf.get(key) ?? []), location]);
  return [...patchFiles].flatMap(([key, files]) => files.map((file) => ({ ...file, locations: locationsOf.get(key) ?? [] })));
}

/**
 * A dependency's range as npm would write it, so the spec rules read it: `npm:^1.0.0` is `^1.0.0`, `npm:x@^1` stays an
 * npm alias; `workspace:` (which npm-package-arg refuses) is the folder it links.
 */
function npmSpec(range: string, importer: string | undefined, name?: string): string {
  if (importer !== undefined && /^workspace:/.test(range)) return `file:${importer || '.'}`;
  // `patch:<inner>#<files>` fetches what its inner descriptor does (the patch-dependency rule judges the patch).
  const patched = /^patch:(.*?)#/.exec(range)?.[1];
  const inner = patched === undefined ? undefined : splitDescriptor(safeDecode(patched));
  if (inner) return inner.name === name ? npmSpec(inner.range, importer) : npmSpec(`npm:${inner.name}@${inner.range.replace(/^npm:/, '')}`, importer);
  const registry = /^npm:(.*)$/.exec(range)?.[1];
  if (registry !== undefined) return /^(?:@[^/]+\/)?[^@]+@/.test(registry) ? range : registry;
  return range;
}

/**
 * What yarn fetches for a resolution, in npm's terms: `npm:` is the registry (its server is yarn's configuration, not the
 * lockfile's); URLs, git and `file:` keep their text without yarn's `::locator=` parameters; `link:`/`portal:` are
 * symlinks; `patch:` patches what its inner locator fetches. `exec:` runs a script to make the package: kept as it is,
 * which npm cannot read (so resolved-mismatch reports it), never taken for the registry.
 */
function fetchedFrom(reference: string): { resolved?: string; linkTo?: string; realName?: string; registry?: boolean } {
  const bare = reference.replace(/::.*$/, '');
  const npm = /^npm:(.*)$/.exec(bare)?.[1];
  if (npm !== undefined) {
    const alias = splitDescriptor(npm);
    // yarn records a tarball its registry serves elsewhere as `::__archiveUrl=<url>`, and fetches that URL.
    const archiveUrl = reference.includes('::') ? new URLSearchParams(reference.slice(reference.indexOf('::') + 2)).get('__archiveUrl') : null;
    if (archiveUrl) return { resolved: archiveUrl, ...(alias ? { realName: alias.name } : {}) };
    return alias ? { realName: alias.name, registry: true } : { registry: true };
  }
  const patched = /^patch:(.*?)#/.exec(bare)?.[1];
  if (patched !== undefined) {
    const inner = splitDescriptor(safeDecode(patched));
    return inner ? { ...fetchedFrom(inner.range), realName: inner.name } : { resolved: reference };
  }
  const linked = /^(?:link|portal):(.*)$/.exec(bare)?.[1];
  if (linked !== undefined) return { linkTo: linked.replace(/^\.\//, '') || '.' };
  if (/^file:/.test(bare)) return { resolved: bare.replace(/#.*$/, '') };
  const git = /^(.*?)#(?:.*&)?commit=([0-9a-f]+)/.exec(bare);
  if (git) {
    const repository = git[1]!;
    const url = /^(?:git\+|git:|ssh:|github:|gitlab:|bitbucket:)/.test(repository) ? repository : `git+${repository}`;
    return { resolved: `${url}#${git[2]}` };
  }
  return { resolved: bare };
}

/** The URL yarn fetches an `npm:` package from (NpmSemverFetcher.getLocatorUrl); undefined when the registry is unknown. */
function registryTarball(registry: string | undefined, name: string, version: string): string | undefined {
  if (registry === undefined) return undefined;
  return `${registry.replace(/\/+$/, '')}/${name}/-/${name.slice(name.indexOf('/') + 1)}-${version}.tgz`;
}

/**
 * berry's `checksum` is `<cacheKey>/<sha512 hex>` (just the hex before cache key 8): the sha512 of the package's cache
 * zip, not of the tarball, but a sha512 that pins its content all the same. As SRI it is what the integrity rules read;
 * anything else stays as written, which does not parse and so is reported as missing.
 */
export function checksumIntegrity(checksum: string): string {
  const hex = checksum.slice(checksum.indexOf('/') + 1);
  return (hex.length === 128 ? sriFromHex('sha512', hex) : undefined) ?? checksum;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
