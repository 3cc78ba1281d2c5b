import type { VersionManifest } from './manifest.js';
import { hostOf, tryUrl } from './urls.js';

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

/** The host (`host` or `host:port`) of the registry npm fetches `name` from. */
export function expectedRegistryHost(name: string, settings: RegistrySettings): string {
  const registry = registryFor(name, settings);
  const url = tryUrl(registry);
  return url ? hostOf(url) : registry;
}

/** Whether a tarball URL is on a host trusted for `name`: its registry's, or one the policy allows. */
export function onTrustedHost(name: string, url: URL, settings: RegistrySettings): boolean {
  const host = hostOf(url);
  return host === expectedRegistryHost(name, settings) || settings.allowedHosts.some((allowed) => allowed.toLowerCase() === host);
}

export const sameRegistry = (a: string, b: string): boolean => a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase();

/** The `dependencies` and `optionalDependencies` of a published manifest, string specs only. */
export function manifestDependencies(manifest: VersionManifest): [string, string][] {
  return [manifest.dependencies, manifest.optionalDependencies]
    .flatMap((field) => Object.entries(field ?? {}))
    .filter((pair): pair is [string, string] => typeof pair[1] === 'string');
}
