import type { VersionManifest } from './manifest.js';

/** Where packages should come from: npm's configured registry, its scoped registries, hosts the user allows. */
export interface RegistrySettings {
  readonly registry: string;
  /** npm's built-in default registry: the public one, which the offline name record describes. */
  readonly publicRegistry: string;
  /** '@scope' -> registry URL. */
  readonly scopes: ReadonlyMap<string, string>;
  /** Extra hosts (`host` or `host:port`) the user's policy trusts for tarballs and git. */
  readonly allowedHosts: readonly string[];
}

/** The registry npm fetches `name` from: its scope's `@scope:registry`, else the default one. */
export function registryFor(name: string, settings: { registry: string; scopes: ReadonlyMap<string, string> }): string {
  const scope = name.startsWith('@') ? name.slice(0, name.indexOf('/')) : undefined;
  return (scope && settings.scopes.get(scope)) || settings.registry;
}

export const sameRegistry = (a: string, b: string): boolean => a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase();

/** The `dependencies` and `optionalDependencies` of a published manifest, string specs only. */
export function manifestDependencies(manifest: VersionManifest): [string, string][] {
  return [manifest.dependencies, manifest.optionalDependencies]
    .flatMap((field) => Object.entries(field ?? {}))
    .filter((pair): pair is [string, string] => typeof pair[1] === 'string');
}
