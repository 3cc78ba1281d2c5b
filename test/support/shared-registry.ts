import { inject } from 'vitest';
import { connectRegistry, type Registry } from './registry.mjs';

/**
 * The run's verdaccio (global-setup.ts), with an npm config, cache and HOME of this file's own: its `stop()`
 * removes them. It already holds sharedPackages() (shared-packages.ts); what a file publishes must have names no
 * other file publishes.
 */
export function sharedRegistry(): Registry {
  return connectRegistry(inject('registry'));
}
