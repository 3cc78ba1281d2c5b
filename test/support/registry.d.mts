// Types of registry.mjs (plain JS, so that scripts/ can use it too), for the tests.
import type { SpawnSyncReturns } from 'node:child_process';

/** A running verdaccio on 127.0.0.1 with its own storage, npm user config and npm cache. */
export interface Registry {
  readonly url: string;
  readonly port: number;
  /** A user config that points npm at this registry only, with a token verdaccio accepts. */
  readonly npmrc: string;
  readonly cache: string;
  readonly home: string;
  /** The real npm CLI with only this registry's config and cache. */
  npm(args: readonly string[], options?: { cwd?: string; env?: Record<string, string> }): SpawnSyncReturns<string>;
  /** `npm publish [--tag tag]` of a folder, with the real npm CLI. */
  publish(dir: string, tag?: string): Promise<void>;
  /** Each folder published with the real npm CLI, in as few `npm publish --workspaces` runs as their names allow, in order. */
  publishAll(dirs: readonly string[]): Promise<void>;
  /** Stops verdaccio and removes its folder; for a client (connectRegistry), removes only the client's folder. */
  stop(): Promise<void>;
}

/** Where a running registry listens (what the run's global setup provides to the test files). */
export interface RegistryAddress {
  readonly url: string;
  readonly port: number;
}

export function freePort(): Promise<number>;
export function startRegistry(options?: { seed?: (url: string) => readonly Record<string, unknown>[] }): Promise<Registry>;
export function connectRegistry(address: RegistryAddress, home?: string): Registry;
export function runNpm(args: readonly string[], options: { cwd: string; npmrc: string; cache: string; env?: Record<string, string> }): SpawnSyncReturns<string>;
