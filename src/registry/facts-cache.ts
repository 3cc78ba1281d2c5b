import { hash as digestOf, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { VersionManifest } from '../npm/manifest.js';
import type { ScriptAnalysis } from '../scripts/analyze.js';
import type { PackageFacts } from './facts.js';

/**
 * Facts of published versions never change (a version's manifest, scripts, files and publish time are fixed
 * once published), so once derived they are kept beside npm's cache: a warm check reads one small record per
 * package instead of its whole packument. Modelled on npm's cacache: one file per key, named by the key's
 * hash, read only when that key is asked for, so a lookup costs the same with 10 records or 50,000. A record
 * holds only what the rules read (slim manifests, see `slimManifest`), a few hundred bytes.
 *
 * Records are written only when something new was learnt, each through a temporary file and a rename, so
 * concurrent runs never see half a record. A record that does not parse or names another key is a miss:
 * the facts are derived again and the record replaced. The cache is bounded: the records live in 256 shard
 * folders by hash, and a run that wrote into a shard trims it to its share of `maxEntries`, oldest first.
 */
export class FactsCache {
  private readonly pending = new Map<string, { key: string; facts: PackageFacts }>();
  /** Records read in this run, by key: a lockfile holds the same version at several locations (a tenth of a big one). */
  private readonly known = new Map<string, PackageFacts | undefined>();
  private readonly perShard: number;
  /** The shard folders present, listed on the first read: a key in a missing shard is a miss without a failed open (an empty cache: one per package). */
  private shards: ReadonlySet<string> | undefined;

  constructor(
    private readonly dir: string | undefined,
    maxEntries = MAX_ENTRIES,
  ) {
    this.perShard = Math.max(1, Math.ceil(maxEntries / SHARDS));
  }

  /** The cache folder for npm's cache folder (`npm_config_cache`'s `_cacache`), or none when npm has no cache. */
  static forNpmCache(npmCache: unknown): FactsCache {
    return new FactsCache(typeof npmCache === 'string' && npmCache ? join(dirname(npmCache), '_depwarden', `facts-v${FORMAT}`) : undefined);
  }

  get(registry: string, name: string, version: string): PackageFacts | undefined {
    return this.read(keyOf(registry, name, version));
  }

  /**
   * Facts of the version a spec chose (`vet` of a name without a version) from one packument of npm's cache,
   * named by that cached response's integrity: the same bytes choose the same version with the same facts, so
   * an offline `vet` reads one small record instead of parsing the whole packument again. A newer packument in
   * npm's cache has another integrity, hence another record.
   */
  getResolved(registry: string, name: string, spec: string, packumentIntegrity: string): PackageFacts | undefined {
    return this.read(resolvedKeyOf(registry, name, spec, packumentIntegrity));
  }

  setResolved(registry: string, name: string, spec: string, packumentIntegrity: string, facts: PackageFacts): void {
    if (!this.dir) return;
    const key = resolvedKeyOf(registry, name, spec, packumentIntegrity);
    this.pending.set(key, { key, facts });
  }

  private read(key: string): PackageFacts | undefined {
    if (!this.dir) return undefined;
    if (this.known.has(key)) return this.known.get(key);
    const facts = this.readRecord(key);
    this.known.set(key, facts);
    return facts;
  }

  private readRecord(key: string): PackageFacts | undefined {
    const hash = digestOf('sha256', key, 'hex');
    if (!this.presentShards().has(hash.slice(0, 2))) return undefined;
    let text: string;
    try {
      text = readFileSync(this.pathOfHash(hash), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const record = JSON.parse(text) as { key?: unknown; facts?: unknown };
      return record.key === key ? revive(record.facts) : undefined;
    } catch {
      return undefined; // torn or foreign bytes: a miss, replaced once the facts are derived again
    }
  }

  /** Remembers facts learnt in this run; `save` writes them. */
  set(registry: string, name: string, facts: PackageFacts): void {
    if (!this.dir) return;
    const key = keyOf(registry, name, facts.version);
    this.pending.set(key, { key, facts });
  }

  /** Writes the records learnt in this run, then trims the shards written to. Failures are ignored. */
  save(): void {
    if (!this.dir || this.pending.size === 0) return;
    const shards = new Set<string>();
    const suffix = `.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    for (const { key, facts } of this.pending.values()) {
      const path = this.pathOf(key);
      try {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path + suffix, JSON.stringify({ key, facts: serialize(facts) }));
        renameSync(path + suffix, path);
        shards.add(dirname(path));
      } catch {
        // A read-only or full cache folder costs speed, not correctness.
        try {
          unlinkSync(path + suffix);
        } catch {
          // nothing was written
        }
      }
    }
    this.pending.clear();
    this.known.clear();
    this.shards = undefined;
    for (const shard of shards) this.trim(shard);
  }

  /** Keeps a shard within its share of the bound, removing the oldest records and stale temporary files. */
  private trim(shard: string): void {
    try {
      const names = readdirSync(shard);
      const stale = Date.now() - 60_000;
      const records: { path: string; time: number }[] = [];
      const needsTimes = names.length > this.perShard;
      for (const name of names) {
        const path = join(shard, name);
        if (name.endsWith('.tmp')) {
          // Left by a run that died between write and rename.
          if ((statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < stale) unlinkSync(path);
        } else if (needsTimes) {
          records.push({ path, time: statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0 });
        }
      }
      if (records.length <= this.perShard) return;
      records.sort((a, b) => a.time - b.time);
      for (const { path } of records.slice(0, records.length - this.perShard)) unlinkSync(path);
    } catch {
      // Another run trimmed the same shard at the same time: the next write trims again.
    }
  }

  private pathOf(key: string): string {
    return this.pathOfHash(digestOf('sha256', key, 'hex'));
  }

  private pathOfHash(hash: string): string {
    return join(this.dir!, hash.slice(0, 2), `${hash.slice(2)}.json`);
  }

  private presentShards(): ReadonlySet<string> {
    if (this.shards === undefined) {
      try {
        this.shards = new Set(readdirSync(this.dir!));
      } catch {
        this.shards = new Set();
      }
    }
    return this.shards;
  }
}

// 4: dist.signatures, dist.attestations and provenanceBefore joined the record; a v3 record would lack them.
// 5: dist.attestations keeps its URL and `repository` its URL (was `true`), for provenance verification.
// 6: the previous release of a 0.0.0 prerelease is the one published before it (facts.ts previousRelease); a v5
// record may compare it with a snapshot build published later.
const FORMAT = 6;
const SHARDS = 256;
export const MAX_ENTRIES = 50_000;

const keyOf = (registry: string, name: string, version: string): string => `${registry.replace(/\/+$/, '')} ${name}@${version}`;
// A space never occurs in a version, so these keys never meet keyOf's.
const resolvedKeyOf = (registry: string, name: string, spec: string, integrity: string): string =>
  `${registry.replace(/\/+$/, '')} ${name} resolved ${JSON.stringify(spec)} from ${integrity}`;

interface SerializedFacts {
  version: string;
  manifest: VersionManifest;
  previous: { version: string; manifest: VersionManifest } | undefined;
  published: string | undefined;
  firstPublished: string | undefined;
  installAnalysis: ScriptAnalysis | undefined;
  filesFault: string | undefined;
  provenanceBefore: PackageFacts['provenanceBefore'];
}

function serialize(facts: PackageFacts): SerializedFacts {
  return {
    version: facts.version,
    manifest: facts.manifest,
    previous: facts.previous,
    published: facts.published?.toISOString(),
    firstPublished: facts.firstPublished?.toISOString(),
    installAnalysis: facts.installAnalysis,
    filesFault: facts.filesFault,
    provenanceBefore: facts.provenanceBefore,
  };
}

/** A stored record back into facts; undefined when it lacks the shape written (another format, a bad edit). */
function revive(value: unknown): PackageFacts | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const stored = value as Partial<SerializedFacts>;
  if (typeof stored.version !== 'string' || !isObject(stored.manifest)) return undefined;
  if (stored.installAnalysis !== undefined && !isAnalysis(stored.installAnalysis)) return undefined;
  if (stored.previous !== undefined && (typeof stored.previous?.version !== 'string' || !isObject(stored.previous.manifest))) return undefined;
  return {
    version: stored.version,
    manifest: stored.manifest,
    previous: stored.previous,
    published: dateOf(stored.published),
    firstPublished: dateOf(stored.firstPublished),
    installAnalysis: stored.installAnalysis,
    filesFault: typeof stored.filesFault === 'string' ? stored.filesFault : undefined,
    provenanceBefore:
      isObject(stored.provenanceBefore) && typeof stored.provenanceBefore.latest === 'string' && typeof stored.provenanceBefore.count === 'number'
        ? { count: stored.provenanceBefore.count, latest: stored.provenanceBefore.latest }
        : undefined,
  };
}

/** The analysis as written: plain JSON whose signals the reports read field by field. */
const isAnalysis = (value: unknown): value is ScriptAnalysis => {
  const analysis = value as Partial<ScriptAnalysis> | null;
  return (
    typeof analysis === 'object' &&
    analysis !== null &&
    Array.isArray(analysis.files) &&
    Array.isArray(analysis.unread) &&
    Array.isArray(analysis.signals) &&
    analysis.signals.every(
      (signal) => typeof signal?.kind === 'string' && typeof signal.file === 'string' && typeof signal.line === 'number' && typeof signal.excerpt === 'string',
    )
  );
};

const isObject = (value: unknown): value is VersionManifest => typeof value === 'object' && value !== null && !Array.isArray(value);

function dateOf(text: unknown): Date | undefined {
  if (typeof text !== 'string') return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
