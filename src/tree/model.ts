/** The one dependency-tree model every loader produces and every rule reads. Read-only once built. */

export type EdgeType = 'prod' | 'dev' | 'optional' | 'peer' | 'peerOptional' | 'workspace';

/** A dependency as a package declares it: `"name": "spec"` in one of its dependency fields. */
export interface Edge {
  readonly name: string;
  readonly spec: string;
  readonly type: EdgeType;
  readonly from: PackageNode;
  /** The node this dependency resolves to in the tree, when it is there. */
  to: PackageNode | undefined;
}

export interface PackageNode {
  /** Root-relative path as in lockfile v2/v3 `packages`: '' for the root, 'node_modules/a/node_modules/b'. */
  readonly location: string;
  /** The name the package is installed under (its folder name). */
  readonly installName: string;
  /** The real package name (differs from installName for npm: aliases). */
  readonly name: string;
  readonly version: string | undefined;
  readonly resolved: string | undefined;
  readonly integrity: string | undefined;
  readonly isRoot: boolean;
  readonly isWorkspace: boolean;
  /** A symlink (workspace or `file:` directory); `target` is the node it points to. */
  readonly isLink: boolean;
  target: PackageNode | undefined;
  /** Some link points here: a local folder (workspace, `file:` directory), not an installed package. */
  isLinkTarget: boolean;
  readonly dev: boolean;
  readonly optional: boolean;
  /** Shipped inside its parent's tarball (bundleDependencies): no resolved or integrity of its own. */
  readonly inBundle: boolean;
  /** Lifecycle scripts when the source knows them (node_modules), else undefined. */
  readonly scripts: Readonly<Record<string, string>> | undefined;
  /** An installed package whose package.json could not be read as one: why. Nothing else about it is known. */
  readonly manifestProblem: string | undefined;
  /**
   * Declared by a workspace the lockfile lacks, so not locked at all: npm would resolve it anew (version and
   * resolved unknown). Its name and spec are still judged; there is no tarball yet to pin.
   */
  readonly declaredOnly: boolean;
  /** Lockfiles only record that some install script exists. */
  readonly hasInstallScript: boolean;
  readonly edgesOut: Map<string, Edge>;
  readonly edgesIn: Edge[];
}

/** `names`: a list of names to vet, declared by the root and resolved to nothing yet. */
export type TreeFormat =
  'npm-lockfile-v1' | 'npm-lockfile-v2' | 'npm-lockfile-v3' | 'yarn-classic' | 'yarn-berry' | 'pnpm-lockfile' | 'bun-lockfile' | 'node-modules' | 'names';

export interface DependencyTree {
  readonly root: PackageNode;
  /** Every node, by location; the root under ''. */
  readonly nodes: ReadonlyMap<string, PackageNode>;
  readonly format: TreeFormat;
  /** The file the tree was read from, relative to the project directory (e.g. 'package-lock.json'). */
  readonly sourceFile: string;
  /** The project directory, absolute. */
  readonly projectDir: string;
  /** Lockfiles only: what package.json declares and the lockfile does not satisfy (what `npm ci` refuses). */
  readonly outOfSync?: readonly SyncProblem[];
  /**
   * npm lockfiles: the edges whose spec the root package.json's `overrides` replace, with the spec npm installs them
   * by (an edge keeps the spec its declarer wrote): what the rules judge a fetched package against.
   */
  readonly overriddenSpecs?: ReadonlyMap<Edge, string>;
  /**
   * yarn, pnpm and bun lockfiles, which key their entries otherwise than by these locations: the key of each node's
   * entry (`dw-core@^1.0.0`, `dw-core@1.0.0`, `ws-a/dw-core`), so reports can point at its line.
   */
  readonly entryKeys?: ReadonlyMap<string, string>;
  /**
   * yarn berry, pnpm and bun lockfiles: what the lockfile recorded each project (by folder, '' for the root) to declare,
   * which their frozen-lockfile modes compare with package.json (src/tree/lock-sync.ts).
   */
  readonly recorded?: ReadonlyMap<string, RecordedDeclarations>;
  /** pnpm, bun and yarn berry lockfiles: the patches the manager applies to packages before their install scripts run. */
  readonly patches?: readonly PatchReference[];
  /**
   * `review` of a change that deletes this project's lockfile and leaves none its manager reads: the tree is the
   * project alone, and the next install resolves every dependency anew (lockfile-out-of-sync says so).
   */
  readonly deletedLockfile?: { readonly lockfile: string; readonly manifest: string; readonly dependencies: number };
  /**
   * package.json names a package manager (`packageManager`, `devEngines.packageManager`) none of whose lockfiles the
   * project has, and the lockfile read is another manager's: that manager resolves its own tree, not this one.
   */
  readonly otherManager?: { readonly manager: string; readonly lockfiles: readonly string[] };
  /**
   * `vet`: every name the root declares, in the order given, each once: its node (in `nodes`), or the name itself
   * when it is known by its name only (see treeFromVetNames), judged by the name rules alone.
   */
  readonly vetNames?: readonly (PackageNode | VetName)[];
  /**
   * `vet`: the names are asked for in no project (a path is read from the working folder), and nothing but the
   * registry is judged: a local path, wherever it points, is code vet cannot judge (local-dependency reports it).
   */
  readonly noProject?: boolean;
}

/** One name to vet, read once: what the tree and the report's lines need of it. */
export interface VetName {
  readonly name: string;
  readonly spec: string;
  readonly location: string;
  /** Its line in a --from file. */
  readonly line: number | undefined;
}

/**
 * A patch file the lockfile names (pnpm's and bun's `patchedDependencies`, a berry `patch:` locator): project code the
 * manager applies into a package. yarn's own `~builtin<…>` patches are not listed.
 */
export interface PatchReference {
  /** The patch file as the lockfile names it, and its path relative to the project (what is read). */
  readonly file: string;
  readonly path: string;
  /** The nodes it patches, by location. */
  readonly locations: readonly string[];
  /** pnpm, and yarn berry for a locator's only patch: the hash the lockfile recorded of the patch file's content. */
  readonly hash?: string | undefined;
  /** Its text, set by the loader; undefined when it is missing or cannot be read, and `problem` says why. */
  readonly text?: string | undefined;
  readonly problem?: string | undefined;
  /** The file is outside the project (`../`, absolute, or a symlink that leads out): the loader did not read it. */
  readonly outside?: boolean | undefined;
}

/** A project's dependency fields as a lockfile recorded them: field name -> dependency name -> spec as written. */
export interface RecordedDeclarations {
  readonly fields: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** pnpm's `autoInstallPeers`: peer dependencies are installed, so recorded as dependencies. */
  readonly peersInstalled?: boolean;
  /** pnpm's `excludeLinksFromLockfile`: `link:` dependencies are not recorded. */
  readonly linksExcluded?: boolean;
  /** pnpm: the importer's `dependenciesMeta` and `publishDirectory`, which its frozen install compares with package.json's. */
  readonly pnpmMeta?: { readonly dependenciesMeta: unknown; readonly publishDirectory: string | undefined };
}

/** A dependency a project package.json declares that the lockfile does not satisfy (src/tree/sync.ts). */
export interface SyncProblem {
  /** The manifest that declares it: 'package.json' or '<workspace>/package.json'. */
  readonly manifest: string;
  /** The location of the declaring project node: '' for the root, or the workspace's folder. */
  readonly declarer: string;
  readonly name: string;
  /** The declared spec; undefined when package.json no longer declares it but the lockfile still records it. */
  readonly spec: string | undefined;
  /** What is locked where npm looks for it (a version, a link); undefined when nothing is. */
  readonly locked: string | undefined;
  /** yarn berry, pnpm and bun: the spec the lockfile recorded, when it differs from the declared one. */
  readonly recorded?: string | undefined;
}
