import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { downloadBounded, EXPORT_TIMEOUT, MAX_EXPORT_BYTES, type Bounds } from './bounded-fetch.js';
import type { RegistryClient } from './client.js';
import type { RegistryFacts } from './facts.js';
import { registryName } from './facts.js';
import { loadOsvData, type OsvIndex } from './osv-data.js';
import { affects, isMalwareId, parseAdvisory, type OsvAdvisory } from './osv.js';
import type { DependencyTree } from '../tree/model.js';

/** What the advisories say of one package version: the malware reports that list it, or why they could not be read. */
export type AdvisoryEntry =
  | { readonly ok: true; readonly advisories: readonly { readonly id: string; readonly summary: string | undefined }[] }
  | { readonly ok: false; readonly cause: string };

export interface AdvisoryFacts {
  readonly byLocation: ReadonlyMap<string, AdvisoryEntry>;
  /** The OSV API's URL, or the data set's path: named in findings. */
  readonly source: string;
  /** Said once in the summary: where the advisories came from and how old they are, or why none were read. */
  readonly note: string | undefined;
  /**
   * Whether the user named this source (--osv-url, DEPWARDEN_OSV_URL, policy advisories.osvUrl, --osv-data): its
   * faults then fail the check at the default failOn; the public default's are a notice and a medium finding.
   */
  readonly configured: boolean;
}

/** The files of an OSV data set that are not `.json`, said in its summary line (a checkout's README and LICENSE). */
function skippedFiles(count: number): string {
  return count === 0 ? '' : `; ${count} file${count === 1 ? '' : 's'} not named .json skipped`;
}

/** Where malware advisories come from in this run. */
export type AdvisorySource =
  | { readonly kind: 'api'; readonly url: string; readonly configured: boolean }
  | { readonly kind: 'data'; readonly path: string }
  /** `--offline` with no --osv-data: the export `depwarden data update` saved, if any. */
  | { readonly kind: 'saved'; readonly dir: string | undefined };

const BATCH = 1_000;
/** Pages of one query followed before it is `unverified` (a package with more malware reports than this is no package). */
const MAX_PAGES = 20;
/** 256 shards of answers, 50,000 in all. */
const PER_SHARD = 196;
/** How long an API answer is reused: malware reports arrive by the hour, so not longer. */
const ANSWER_TTL_MS = 60 * 60 * 1000;

/**
 * Looks up every registry package of the tree in OSV's malware reports. Names npm fetches from a scoped registry
 * other than the default one are private: they are not sent to the OSV API (their names would leak), and public
 * malware reports do not speak of them.
 */
export async function gatherAdvisories(
  tree: DependencyTree,
  facts: RegistryFacts,
  client: RegistryClient,
  options: { source: AdvisorySource; cacheDir: string | undefined; defaultRegistry: string; now: Date },
): Promise<AdvisoryFacts> {
  const byKey = new Map<string, AdvisoryEntry>();
  let wanted: Map<string, Wanted>;
  let source: string;
  let note: string | undefined;
  const configured = options.source.kind !== 'api' || options.source.configured;
  if (options.source.kind === 'api') {
    wanted = wantedOf(tree, facts, client, options.defaultRegistry);
    source = options.source.url;
    await askApi(options.source.url, [...wanted.values()], client, options.cacheDir, options.now, byKey);
    const faults = [...byKey.values()].filter((entry): entry is Extract<AdvisoryEntry, { ok: false }> => !entry.ok);
    // The public default cannot be reached from many offline machines: say so in one line, with what to set.
    if (!configured && faults.length > 0)
      note = `malware advisories: the public OSV API did not answer for ${faults.length} package${faults.length === 1 ? '' : 's'} (${faults[0]!.cause}); behind a firewall set --osv-url to a mirror, or check with --osv-data`;
  } else {
    const loaded = options.source.kind === 'data' ? await loadIndex(options.source.path) : readSaved(options.source.dir);
    if (!loaded) {
      return {
        byLocation: new Map(),
        source: 'none',
        configured,
        note: 'malware advisories: not checked (--offline, and no OSV data: run `depwarden data update` while online, or give --osv-data)',
      };
    }
    // Only now: the usual offline run has no data, and then no use for the packages' list.
    wanted = wantedOf(tree, facts, client, options.defaultRegistry);
    source = loaded.label;
    note = loaded.note(options.now);
    for (const [key, { name, version }] of wanted) {
      const hits = (loaded.index.byName.get(name) ?? []).filter((advisory) => affects(advisory, name, version));
      byKey.set(key, { ok: true, advisories: hits.map(({ id, summary }) => ({ id, summary })) });
    }
  }
  const byLocation = new Map<string, AdvisoryEntry>();
  for (const [key, { locations }] of wanted)
    for (const location of locations) byLocation.set(location, byKey.get(key) ?? { ok: false, cause: 'OSV gave no answer for it' });
  return { byLocation, source, note, configured };
}

interface Wanted {
  name: string;
  version: string;
  locations: string[];
}

/** The default registry's packages of the tree, by `name@version`, with the locations of each. */
function wantedOf(tree: DependencyTree, facts: RegistryFacts, client: RegistryClient, defaultRegistry: string): Map<string, Wanted> {
  const wanted = new Map<string, Wanted>();
  for (const node of tree.nodes.values()) {
    const name = registryName(tree, node);
    if (name === undefined || client.registryFor(name) !== defaultRegistry) continue;
    const entry = facts.byLocation.get(node.location);
    const version = node.version ?? (entry?.ok ? entry.facts.version : undefined);
    if (version === undefined) continue;
    const key = `${name}@${version}`;
    const item = wanted.get(key) ?? { name, version, locations: [] };
    item.locations.push(node.location);
    wanted.set(key, item);
  }
  return wanted;
}

interface LoadedData {
  readonly index: Pick<OsvIndex, 'byName'>;
  readonly label: string;
  readonly note: (now: Date) => string;
}

async function loadIndex(path: string): Promise<LoadedData> {
  const index = await loadOsvData(path);
  return { index, label: path, note: (now) => `malware advisories: ${index.count} from ${path}${freshness(index.newest, now)}${skippedFiles(index.skipped)}` };
}

const DAY = 24 * 3_600_000;
/** Whole days from `date` to `now`, in words: `less than a day`, `1 day`, `12 days`. */
export function daysSince(date: string, now: Date): string {
  const days = Math.max(0, Math.floor((now.getTime() - Date.parse(date)) / DAY));
  return days === 0 ? 'less than a day' : `${days} day${days === 1 ? '' : 's'}`;
}
const freshness = (newest: string | undefined, now: Date): string =>
  newest === undefined ? '' : `, newest of ${newest.slice(0, 10)} (${daysSince(newest, now)} old)`;

/** The index `depwarden data update` saved: the export's malware advisories and when they were downloaded. */
interface SavedIndex {
  downloaded: string;
  url: string;
  newest: string | undefined;
  advisories: OsvAdvisory[];
}

const SAVED_FILE = 'npm-malware.json';

function readSaved(dir: string | undefined): LoadedData | undefined {
  if (!dir) return undefined;
  let saved: SavedIndex;
  try {
    saved = JSON.parse(readFileSync(join(dir, SAVED_FILE), 'utf8')) as SavedIndex;
  } catch {
    return undefined;
  }
  if (!Array.isArray(saved.advisories) || typeof saved.downloaded !== 'string') return undefined;
  const byName = new Map<string, OsvAdvisory[]>();
  // depwarden's own file, written by updateSavedData; a record of another shape is skipped, not trusted.
  for (const advisory of saved.advisories) {
    if (
      typeof advisory?.id !== 'string' ||
      !Array.isArray(advisory.affected) ||
      !advisory.affected.every((entry) => typeof entry?.name === 'string' && Array.isArray(entry.versions) && Array.isArray(entry.ranges))
    )
      continue;
    for (const name of new Set(advisory.affected.map((entry) => entry.name))) byName.set(name, [...(byName.get(name) ?? []), advisory]);
  }
  return {
    index: { byName },
    label: `the OSV export saved by depwarden data update (${saved.url})`,
    note: (now) =>
      `malware advisories: ${saved.advisories.length} from the OSV export downloaded ${saved.downloaded.slice(0, 10)} (${daysSince(saved.downloaded, now)} ago); \`depwarden data update\` refreshes it`,
  };
}

/** Where the saved export is and when it was downloaded, if there is one. */
export function savedDataDownloaded(dir: string): { path: string; downloaded: Date } | undefined {
  const path = join(dir, SAVED_FILE);
  const stat = statSync(path, { throwIfNoEntry: false });
  return stat ? { path, downloaded: stat.mtime } : undefined;
}

/**
 * `depwarden data update`: downloads OSV's npm export into depwarden's cache folder and keeps its malware
 * advisories as one index, so that --offline runs read a few megabytes instead of the whole zip.
 */
export async function updateSavedData(
  client: RegistryClient,
  options: { url: string; dir: string; now: Date; bounds?: Bounds | undefined },
): Promise<{ count: number; newest: string | undefined; path: string }> {
  mkdirSync(options.dir, { recursive: true });
  const zip = join(options.dir, `download-${process.pid}-${randomBytes(4).toString('hex')}.zip`);
  try {
    const { default: npmFetch } = await import('npm-registry-fetch');
    const fetchOptions = {
      ...client.fetchOptions,
      offline: false,
      registry: new URL(options.url).origin,
      // npm-registry-fetch's `cache` is the folder of its HTTP cache: none, so the export is not kept twice.
      cache: undefined,
      timeout: 0,
    };
    await downloadBounded(npmFetch as never, options.url, fetchOptions, options.bounds ?? { timeout: EXPORT_TIMEOUT, maxBytes: MAX_EXPORT_BYTES }, zip);
    const index = await loadOsvData(zip);
    const advisories = [...new Set([...index.byName.values()].flat())];
    const saved: SavedIndex = { downloaded: options.now.toISOString(), url: options.url, newest: index.newest, advisories };
    const path = join(options.dir, SAVED_FILE);
    writeFileSync(`${path}.tmp`, JSON.stringify(saved));
    renameSync(`${path}.tmp`, path);
    return { count: advisories.length, newest: index.newest, path };
  } finally {
    rmSync(zip, { force: true });
  }
}

async function askApi(
  url: string,
  wanted: readonly { name: string; version: string }[],
  client: RegistryClient,
  cacheDir: string | undefined,
  now: Date,
  byKey: Map<string, AdvisoryEntry>,
): Promise<void> {
  const cache = new AnswerCache(cacheDir, url, now);
  const asked = wanted.filter(({ name, version }) => {
    const cached = cache.get(`${name}@${version}`);
    if (cached) byKey.set(`${name}@${version}`, cached);
    return !cached;
  });
  const json = client.json.bind(client);
  const base = url.replace(/\/+$/, '');
  const fetchOptions = { ...client.fetchOptions, offline: false, registry: base, headers: { accept: 'application/json' } };
  const details = new Map<string, Promise<OsvAdvisory | undefined>>();
  const detail = (id: string): Promise<OsvAdvisory | undefined> => {
    let pending = details.get(id);
    if (!pending) {
      pending = client.limited(async () => {
        try {
          return parseAdvisory(await json(`${base}/v1/vulns/${encodeURIComponent(id)}`, fetchOptions));
        } catch {
          return undefined; // the listing is enough to report it; only the summary and withdrawal are unknown
        }
      });
      details.set(id, pending);
    }
    return pending;
  };
  for (let start = 0; start < asked.length; start += BATCH) {
    const batch = asked.slice(start, start + BATCH);
    const answer = await client.limited(() => postBatch(json, `${base}/v1/querybatch`, batch, fetchOptions));
    if (typeof answer === 'string') {
      for (const { name, version } of batch) byKey.set(`${name}@${version}`, { ok: false, cause: answer });
      continue;
    }
    // A query whose answer has more pages is asked again with its page token until the last page.
    const ids = answer.map(({ ids }) => [...ids]);
    let cut = answer.flatMap(({ next }, index) => (next === undefined ? [] : [{ index, token: next }]));
    const faults = new Map<number, string>();
    for (let page = 1; cut.length > 0; page++) {
      if (page > MAX_PAGES) {
        for (const { index } of cut) faults.set(index, `OSV's answer has more than ${MAX_PAGES} pages`);
        break;
      }
      const queries = cut.map(({ index, token }) => ({ ...batch[index]!, pageToken: token }));
      const more = await client.limited(() => postBatch(json, `${base}/v1/querybatch`, queries, fetchOptions));
      if (typeof more === 'string') {
        for (const { index } of cut) faults.set(index, `${more} (on a further page)`);
        break;
      }
      more.forEach(({ ids: found }, at) => ids[cut[at]!.index]!.push(...found));
      cut = more.flatMap(({ next }, at) => (next === undefined ? [] : [{ index: cut[at]!.index, token: next }]));
    }
    await Promise.all(
      batch.map(async ({ name, version }, index) => {
        const key = `${name}@${version}`;
        const fault = faults.get(index);
        if (fault !== undefined) return byKey.set(key, { ok: false, cause: fault });
        const found = await Promise.all([...new Set(ids[index]!)].filter(isMalwareId).map(async (id) => ({ id, advisory: await detail(id) })));
        const advisories = found.filter(({ advisory }) => !advisory?.withdrawn).map(({ id, advisory }) => ({ id, summary: advisory?.summary }));
        const entry: AdvisoryEntry = { ok: true, advisories };
        byKey.set(key, entry);
        cache.set(key, entry);
      }),
    );
  }
}

/** One querybatch request: the ids listed per query and the token of its next page, if any; or the fault as a sentence. */
async function postBatch(
  json: (url: string, options: Record<string, unknown>) => Promise<unknown>,
  url: string,
  batch: readonly { name: string; version: string; pageToken?: string }[],
  options: Record<string, unknown>,
): Promise<{ ids: string[]; next: string | undefined }[] | string> {
  let answer: unknown;
  try {
    answer = await json(url, {
      ...options,
      method: 'POST',
      body: {
        queries: batch.map(({ name, version, pageToken }) => ({
          package: { name, ecosystem: 'npm' },
          version,
          ...(pageToken === undefined ? {} : { page_token: pageToken }),
        })),
      },
    });
  } catch (error) {
    const { code, statusCode } = error as NodeJS.ErrnoException & { statusCode?: number };
    if (statusCode) return `OSV answered HTTP ${statusCode}`;
    if (code === 'ETIMEDOUT') return 'OSV did not answer in time';
    if (code === 'ETOOLARGE') return `OSV sent too much: ${(error as Error).message}`;
    if (code === 'ECONNREFUSED') return 'OSV refused the connection';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the OSV host could not be resolved';
    if (code === 'EJSONPARSE' || (error as Error).name === 'SyntaxError' || /JSON/.test((error as Error).message))
      return 'OSV sent an answer that is not valid JSON';
    return `the OSV request failed (${code ?? (error as Error).message})`;
  }
  const results = typeof answer === 'object' && answer !== null ? (answer as { results?: unknown }).results : undefined;
  if (!Array.isArray(results) || results.length !== batch.length)
    return `OSV's answer is incomplete (${Array.isArray(results) ? results.length : 'no'} results for ${batch.length} queries)`;
  const lists: { ids: string[]; next: string | undefined }[] = [];
  for (const result of results as unknown[]) {
    if (typeof result !== 'object' || result === null) return 'OSV sent a result that is not an object';
    const { vulns, next_page_token: next } = result as { vulns?: unknown; next_page_token?: unknown };
    if (vulns !== undefined && !Array.isArray(vulns)) return 'OSV sent a result whose vulns are not a list';
    if (next !== undefined && next !== '' && typeof next !== 'string') return 'OSV sent a next_page_token that is not a string';
    lists.push({
      ids: ((vulns as unknown[] | undefined) ?? []).flatMap((vuln) =>
        typeof (vuln as { id?: unknown })?.id === 'string' ? [(vuln as { id: string }).id] : [],
      ),
      next: typeof next === 'string' && next !== '' ? next : undefined,
    });
  }
  return lists;
}

/**
 * OSV's answers per package version, kept beside npm's cache for an hour (one small file per key, named by its
 * hash, as the facts cache keeps its records), so a warm run asks only for what it has not asked lately.
 */
class AnswerCache {
  constructor(
    private readonly dir: string | undefined,
    private readonly url: string,
    private readonly now: Date,
  ) {}

  get(key: string): AdvisoryEntry | undefined {
    if (!this.dir) return undefined;
    try {
      const record = JSON.parse(readFileSync(this.pathOf(key), 'utf8')) as { key?: unknown; time?: unknown; advisories?: unknown };
      if (record.key !== this.fullKey(key) || typeof record.time !== 'number' || !Array.isArray(record.advisories)) return undefined;
      if (this.now.getTime() - record.time > ANSWER_TTL_MS || record.time > this.now.getTime()) return undefined;
      return { ok: true, advisories: record.advisories as { id: string; summary: string | undefined }[] };
    } catch {
      return undefined;
    }
  }

  set(key: string, entry: Extract<AdvisoryEntry, { ok: true }>): void {
    if (!this.dir) return;
    const path = this.pathOf(key);
    try {
      mkdirSync(dirname(path), { recursive: true });
      const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      writeFileSync(temporary, JSON.stringify({ key: this.fullKey(key), time: this.now.getTime(), advisories: entry.advisories }));
      renameSync(temporary, path);
      this.trim(dirname(path));
    } catch {
      // A read-only cache costs requests, not correctness.
    }
  }

  /** Keeps a shard to its share of 50,000 answers, oldest first: answers older than an hour are never read again. */
  private trim(shard: string): void {
    const names = readdirSync(shard);
    if (names.length <= PER_SHARD) return;
    const aged = names.map((name) => ({ path: join(shard, name), time: statSync(join(shard, name), { throwIfNoEntry: false })?.mtimeMs ?? 0 }));
    aged.sort((a, b) => a.time - b.time);
    for (const { path } of aged.slice(0, aged.length - PER_SHARD)) rmSync(path, { force: true });
  }

  private fullKey(key: string): string {
    return `${this.url} ${key}`;
  }

  private pathOf(key: string): string {
    const hash = createHash('sha256').update(this.fullKey(key)).digest('hex');
    return join(this.dir!, 'answers', hash.slice(0, 2), `${hash.slice(2)}.json`);
  }
}
