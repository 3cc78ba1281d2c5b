import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { assertRegularIfPresent } from '../tree/files.js';

// The CLI bundle holds @npmcli/config (scripts/bundle.mjs): its `require` calls name their modules in full.
const require = createRequire(import.meta.url);

/** npm's own view of where packages come from, read the way npm reads it (.npmrc files, env, defaults). */
export interface NpmSettings {
  readonly registry: string;
  /** npm's built-in default registry (the public one), from npm's own definitions. */
  readonly publicRegistry: string;
  /** '@scope' -> registry URL. */
  readonly scopes: ReadonlyMap<string, string>;
  /** The flat options pacote and npm-registry-fetch take (auth, proxy, CA, cache...). */
  readonly flat: Readonly<Record<string, unknown>>;
  /** The project's own `.npmrc` (beside its package.json), when it has one: npm reads it only when run in that project. */
  readonly projectConfig?: string;
  /** npm's localPrefix: the project folder npm works in (a workspace's root), found upward from the folder given. */
  readonly localPrefix: string;
  /** npm's global prefix (its global bin folder is `<prefix>/bin`, the prefix itself on Windows). */
  readonly globalPrefix: string;
}

interface NpmcliConfig {
  load(): Promise<void>;
  get(key: string): unknown;
  readonly flat: Record<string, unknown>;
  readonly list: Record<string, unknown>[];
  readonly localPrefix: string;
  readonly globalPrefix: string;
  readonly npmPath: string;
  /** Each layer's values ('cli' first…'default'); a layer's data inherits the lower layers' (prototype chain). */
  readonly data: ReadonlyMap<string, { readonly data: Record<string, unknown> }>;
  loadBuiltinConfig(): Promise<void>;
  loadLocalPrefix(): Promise<void>;
  loadUserConfig(): Promise<void>;
  loadGlobalConfig(): Promise<void>;
}

type NpmcliConfigClass = new (options: object) => NpmcliConfig;

/**
 * @npmcli/config reads each npmrc with a plain readFile: a FIFO (a committed symlink to /dev/stdin) blocks it forever,
 * /dev/zero or /dev/urandom fill memory until it gives up, and it then ignores them silently. Each file is checked
 * with readRegularFile's rules (one stat) just before @npmcli/config reads it, where load() asks for it: the paths
 * depend on the layers read before (a project .npmrc can move userconfig, which can move globalconfig).
 */
function guarded(Config: NpmcliConfigClass, projectDir: string): NpmcliConfigClass {
  const check = (path: string) => {
    const shown = relative(projectDir, path);
    assertRegularIfPresent(path, shown.startsWith('..') || isAbsolute(shown) ? path : shown);
  };
  // The value load() will use, read as its own private #get does: the top layer, lower layers by inheritance.
  const current = (config: NpmcliConfig, key: string) => config.data.get('cli')?.data[key];
  return class extends Config {
    override async loadBuiltinConfig() {
      check(resolve(this.npmPath, 'npmrc'));
      return super.loadBuiltinConfig();
    }
    // loadProjectConfig reads localPrefix/.npmrc right after this walk up to the project root.
    override async loadLocalPrefix() {
      await super.loadLocalPrefix();
      check(resolve(this.localPrefix, '.npmrc'));
    }
    override async loadUserConfig() {
      const file = current(this, 'userconfig');
      if (typeof file === 'string') check(file);
      return super.loadUserConfig();
    }
    override async loadGlobalConfig() {
      const file = current(this, 'globalconfig');
      if (typeof file === 'string') check(file);
      return super.loadGlobalConfig();
    }
  };
}

/** Loads npm's configuration for a project folder; `registry` overrides the configured default registry. */
export async function loadNpmSettings(projectDir: string, env: NodeJS.ProcessEnv, registry?: string): Promise<NpmSettings> {
  const Config = guarded(require('@npmcli/config') as NpmcliConfigClass, projectDir);
  // Not behind an exports map, and the way @npmcli/config's README and npm's own lib/npm.js load the definitions;
  // the package has no other public way to them.
  const { definitions, shorthands, flatten } = require('@npmcli/config/lib/definitions') as Record<string, unknown>;
  const config = new Config({
    definitions,
    shorthands,
    flatten,
    npmPath: findNpm(env),
    argv: [process.execPath, 'npm'],
    // A copy: load() writes npm_config_* (userconfig, globalconfig…) into the env it is given, as npm does for its
    // children; the caller's env would then pin those files for every later load (another HOME no longer counted).
    env: { ...env },
    cwd: projectDir,
    excludeNpmCpuConfigs: true,
  });
  try {
    await config.load();
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`npm's configuration could not be read: ${(error as Error).message}`);
  }
  const scopes = new Map<string, string>();
  for (const layer of config.list) {
    for (const key of Object.keys(layer)) {
      const scope = /^(@[^:]+):registry$/.exec(key)?.[1];
      if (scope && !scopes.has(scope)) scopes.set(scope, String(config.get(key)));
    }
  }
  const configured = registry ?? String(config.get('registry'));
  if (!URL.canParse(configured)) throw new InputError(`registry "${configured}" is not a URL`);
  const publicRegistry = String((definitions as Record<string, { default?: unknown }>).registry?.default ?? '');
  const projectConfig = join(config.localPrefix, '.npmrc');
  return {
    registry: configured,
    publicRegistry,
    scopes,
    flat: { ...config.flat, registry: configured },
    localPrefix: config.localPrefix,
    globalPrefix: config.globalPrefix,
    ...(existsSync(projectConfig) ? { projectConfig } : {}),
  };
}

/** The npm installation whose builtin npmrc applies: the one running us, else the one beside node. */
function findNpm(env: NodeJS.ProcessEnv): string {
  const candidates = [
    env.npm_execpath ? resolve(dirname(env.npm_execpath), '..') : undefined,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm'),
    join(dirname(process.execPath), 'node_modules', 'npm'),
  ];
  return candidates.find((path) => path !== undefined && existsSync(join(path, 'package.json'))) ?? dirname(process.execPath);
}
