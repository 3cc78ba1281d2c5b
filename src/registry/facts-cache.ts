import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PackageFacts } from './facts.js';

/**
 * Facts of published versions never change (a version's manifest, scripts, files and publish time are fixed
 * once published), so once derived they are kept in one file beside npm's cache: a warm check reads one file
 * instead of thousands of cache entries. Keyed by registry, name and version.
 */
export class FactsCache {
  private readonly entries = new Map<string, SerializedFacts>();
  private changed = false;

  constructor(private readonly file: string | undefined) {
    if (!file) return;
    try {
      const stored = JSON.parse(readFileSync(file, 'utf8')) as { version?: number; entries?: [string, SerializedFacts][] };
      if (stored.version === FORMAT && Array.isArray(stored.entries)) for (const [key, value] of stored.entries) this.entries.set(key, value);
    } catch {
      // No cache yet, or an unreadable one: start empty, it is only a speed-up.
    }
  }

  /** The cache file for npm's cache folder (`npm_config_cache`'s `_cacache`), or none when npm has no cache. */
  static forNpmCache(npmCache: unknown): FactsCache {
    return new FactsCache(typeof npmCache === 'string' && npmCache ? join(dirname(npmCache), '_depwarden', `facts-v${FORMAT}.json`) : undefined);
  }

  get(registry: string, name: string, version: string): PackageFacts | undefined {
    const stored = this.entries.get(keyOf(registry, name, version));
    return stored && revive(stored);
  }

  set(registry: string, name: string, facts: PackageFacts): void {
    this.entries.set(keyOf(registry, name, facts.version), serialize(facts));
    this.changed = true;
  }

  /** Writes the file when something was added, keeping the most recent entries. Failures are ignored. */
  save(): void {
    if (!this.file || !this.changed) return;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const entries = [...this.entries].slice(-MAX_ENTRIES);
      const temporary = `${this.file}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify({ version: FORMAT, entries }));
      renameSync(temporary, this.file);
    } catch {
      // A read-only cache folder costs speed, not correctness.
    }
  }
}

const FORMAT = 1;
const MAX_ENTRIES = 50_000;

type SerializedFacts = Omit<PackageFacts, 'published' | 'firstPublished' | 'files'> & {
  published: string | undefined;
  firstPublished: string | undefined;
  files: [string, string][];
};

const keyOf = (registry: string, name: string, version: string): string => `${registry.replace(/\/+$/, '')} ${name}@${version}`;

function serialize(facts: PackageFacts): SerializedFacts {
  return { ...facts, published: facts.published?.toISOString(), firstPublished: facts.firstPublished?.toISOString(), files: [...facts.files] };
}

function revive(stored: SerializedFacts): PackageFacts {
  return {
    ...stored,
    published: stored.published === undefined ? undefined : new Date(stored.published),
    firstPublished: stored.firstPublished === undefined ? undefined : new Date(stored.firstPublished),
    files: new Map(stored.files),
  };
}
