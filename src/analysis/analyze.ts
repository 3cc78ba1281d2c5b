import { loadPolicy } from '../config/load.js';
import { InputError } from '../errors.js';
import type { Policy } from '../config/policy.js';
import { loadNameIndex } from '../popularity/load.js';
import { DEFAULT_CLIENT, RegistryClient } from '../registry/client.js';
import { answeredEntries, gatherFacts, type RegistryFacts } from '../registry/facts.js';
import { gatherAdvisories, type AdvisoryFacts, type AdvisorySource } from '../registry/advisories.js';
import { gatherAttestations, type AttestationFacts } from '../registry/attestations.js';
import type { KeysResult } from '../registry/client.js';
import { DEFAULT_OSV_URL } from '../registry/osv.js';
import { registryFor } from '../npm/registries.js';
import type { NpmSettings } from '../registry/npm-config.js';
import { dirname, join, resolve } from 'node:path';
import { FactsCache } from '../registry/facts-cache.js';
import { loadNpmSettings } from '../registry/npm-config.js';
import { RULES, RULE_IDS } from '../rules/index.js';
import { failingFindings, type Finding, type RunResult } from '../findings/model.js';
import { runRules } from '../rules/run.js';
import { namesNotJudged } from '../rules/unregistered-name.js';
import { redactCredentials } from '../text/escape.js';
import type { ImportEvidence, LaunchEvidence, Rule } from '../rules/types.js';
import type { Severity } from '../findings/model.js';
import type { FileSource } from '../tree/files.js';
import { loadProject, type LoadedProject } from '../tree/load.js';
import type { DependencyTree } from '../tree/model.js';
import { nameOnlyCount, treeFromVetNames, type VetName } from '../tree/names.js';

export interface AnalyzeOptions {
  /** The project folder: its policy and its npm configuration apply. */
  readonly files: FileSource;
  readonly env: NodeJS.ProcessEnv;
  /** The folder npm runs in, when not the project's (an MCP server started in its own project): its .npmrc applies. */
  readonly npmDir?: string | undefined;
  /** Overrides npm's configured registry. */
  readonly registry?: string | undefined;
  /** Overrides the policy's failing severity. */
  readonly failOn?: Severity | undefined;
  /** `--config FILE`: the policy file to use instead of the project's own. */
  readonly config?: { files: FileSource; path: string } | undefined;
  /** Registry facts from npm's cache only: no network. */
  readonly offline: boolean;
  readonly timeout?: number | undefined;
  readonly concurrency?: number | undefined;
  /** Called as registry answers arrive. */
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
  /** The time publish ages are judged at (tests fix it). */
  readonly now?: Date | undefined;
  /** `review`: where changed code imports the packages of the tree. */
  readonly imports?: ReadonlyMap<string, ImportEvidence> | undefined;
  /** `mcp`: the packages a config starts without an install, with the spec it starts them by. */
  readonly launches?: ReadonlyMap<string, LaunchEvidence> | undefined;
  /** `--osv-url`: the OSV API to ask (default: the policy's advisories.osvUrl, else the public API). */
  readonly osvUrl?: string | undefined;
  /** `--osv-data`: an OSV export zip or a folder of OSV JSON files, read instead of the API. */
  readonly osvData?: string | undefined;
}

/** How the registry checks went, for the report's summary. */
export interface RegistrySummary {
  readonly asked: number;
  readonly answered: number;
  /** Packages npm's cache did not hold under --offline: not checked, not findings. */
  readonly notCached: number;
  readonly offline: boolean;
  readonly notes?: readonly string[];
}

export interface CheckOptions extends AnalyzeOptions {
  readonly nodeModules: boolean;
  /** One lockfile of the project to check (`--lockfile`, or each of several in turn); default: the manager's. */
  readonly lockfile?: string | undefined;
}

export interface Analysis {
  readonly tree: DependencyTree;
  readonly policy: Policy;
  readonly rules: readonly Rule[];
  readonly result: RunResult;
  readonly failOn: Severity;
  readonly failing: readonly Finding[];
  readonly registry: RegistrySummary;
}

export interface CheckResult extends Analysis {
  readonly project: LoadedProject;
}

/** `depwarden check`: load the project's tree and run every rule on it. */
export async function check(options: CheckOptions): Promise<CheckResult> {
  const policy = loadPolicy(options.files, RULE_IDS, options.config);
  const project = await loadProject(options.files, { nodeModules: options.nodeModules, lockfile: options.lockfile });
  return { ...(await analyze(project.tree, policy, options)), project };
}

/**
 * `depwarden vet`: the same rules on names not installed yet. Offline, a plain name npm's cache does not hold is
 * known by its name only (see treeFromVetNames): asked of the cache before the tree is made, it gets no node.
 */
export async function vet(names: readonly VetName[], options: AnalyzeOptions & { sourceFile: string }): Promise<Analysis> {
  const policy = loadPolicy(options.files, RULE_IDS, options.config);
  const registry = await openRegistry(options);
  const { client } = registry;
  const byNameOnly = registry.offline ? (name: string) => client.certainMiss(name) !== undefined : undefined;
  const tree = { ...treeFromVetNames(names, { sourceFile: options.sourceFile, projectDir: options.files.dir }, byNameOnly), noProject: true };
  return analyzeWith(tree, policy, options, registry);
}

/** npm's configuration, and the registry client and facts cache it makes. */
interface RegistryAccess {
  readonly npm: NpmSettings;
  readonly offline: boolean;
  readonly client: RegistryClient;
  readonly cache: FactsCache;
}

async function openRegistry(options: AnalyzeOptions): Promise<RegistryAccess> {
  const npm = await loadNpmSettings(options.npmDir ?? options.files.dir, options.env, options.registry);
  // npm's own `offline` setting (.npmrc, npm_config_offline) means the same as --offline.
  const offline = options.offline || npm.flat.offline === true;
  const client = new RegistryClient({
    npm,
    offline,
    timeout: options.timeout ?? DEFAULT_CLIENT.timeout,
    concurrency: options.concurrency ?? DEFAULT_CLIENT.concurrency,
    retries: DEFAULT_CLIENT.retries,
  });
  return { npm, offline, client, cache: FactsCache.forNpmCache(npm.flat.cache) };
}

/** Every rule, registry facts included, on a tree already loaded. */
export async function analyze(tree: DependencyTree, policy: Policy, options: AnalyzeOptions): Promise<Analysis> {
  return analyzeWith(tree, policy, options, await openRegistry(options));
}

async function analyzeWith(tree: DependencyTree, policy: Policy, options: AnalyzeOptions, { npm, offline, client, cache }: RegistryAccess): Promise<Analysis> {
  const facts = await gatherFacts(tree, client, { offline, onProgress: options.onProgress, cache });
  const now = options.now ?? new Date();
  const notes: string[] = [];
  const ruleOn = (id: string): boolean => policy.rules.get(id) !== 'off';
  const signingKeys = ruleOn('registry-signature') ? await askSigningKeys(tree, facts, client, npm, notes) : undefined;
  let attestations: AttestationFacts | undefined;
  if (ruleOn('provenance-dropped')) {
    // DEPWARDEN_SIGSTORE_TRUSTED_ROOT: a Sigstore trusted_root.json, for machines that cannot reach Sigstore's TUF repository.
    const trustedRoot = options.env.DEPWARDEN_SIGSTORE_TRUSTED_ROOT || undefined;
    attestations = await gatherAttestations(tree, facts, client, {
      offline,
      trustedRootPath: trustedRoot === undefined ? undefined : resolve(options.files.dir, trustedRoot),
      tufCache: typeof npm.flat.tufCache === 'string' ? npm.flat.tufCache : undefined,
      cacheDir: provenanceCacheDir(npm),
    });
    notes.push(...attestations.notes);
  }
  let advisories: AdvisoryFacts | undefined;
  if (ruleOn('known-malware')) {
    const osvData = options.osvData ?? (policy.advisories.osvData === undefined ? undefined : resolve(options.files.dir, policy.advisories.osvData));
    // DEPWARDEN_OSV_URL: for CI behind a firewall (an internal OSV mirror), or "off", said in the summary.
    const fromEnv = options.env.DEPWARDEN_OSV_URL || undefined;
    if (fromEnv !== undefined && fromEnv !== 'off' && !/^https?:\/\/[^/]/i.test(fromEnv))
      throw new InputError(`DEPWARDEN_OSV_URL must be an http(s) URL or "off"; found "${fromEnv}"`);
    const osvUrl = options.osvUrl ?? fromEnv ?? policy.advisories.osvUrl ?? DEFAULT_OSV_URL;
    const source: AdvisorySource | undefined = osvData
      ? { kind: 'data', path: osvData }
      : offline
        ? { kind: 'saved', dir: savedDataDir(npm) }
        : osvUrl === 'off'
          ? undefined
          : { kind: 'api', url: osvUrl, configured: options.osvUrl !== undefined || fromEnv !== undefined || policy.advisories.osvUrl !== undefined };
    if (source) {
      advisories = await gatherAdvisories(tree, facts, client, { source, cacheDir: osvCacheDir(npm), defaultRegistry: npm.registry, now });
      if (advisories.note) notes.push(advisories.note);
    } else {
      notes.push('malware advisories: not checked (DEPWARDEN_OSV_URL=off)');
    }
  }
  const context = {
    tree,
    registries: { ...npm, allowedHosts: policy.allowedHosts },
    names: loadNameIndex(),
    facts,
    advisories,
    attestations,
    signingKeys,
    now,
    thresholds: policy.thresholds,
    imports: options.imports,
    launches: options.launches,
  };
  const result = runRules(RULES, context, policy);
  if (offline && ruleOn('unregistered-name')) notes.push(...namesNotJudgedNotes(namesNotJudged(context)));
  const failOn = options.failOn ?? policy.failOn;
  // A name known by name only is one npm's cache does not hold (see vet).
  let notCached = nameOnlyCount(tree);
  for (const entry of facts.byLocation.values()) if (!entry.ok && entry.offline) notCached++;
  const registry = {
    asked: facts.asked,
    answered: answeredEntries(facts).length,
    notCached,
    offline,
    ...(notes.length ? { notes } : {}),
  };
  return { tree, policy, rules: RULES, result, failOn, failing: failingFindings(result.findings, failOn), registry };
}

/** depwarden's folder beside npm's cache (as the facts cache's), or none when npm has no cache. */
const depwardenDir = (npm: NpmSettings): string | undefined =>
  typeof npm.flat.cache === 'string' && npm.flat.cache ? join(dirname(npm.flat.cache), '_depwarden') : undefined;

/** Where `depwarden data update` keeps OSV's npm export. */
export const savedDataDir = (npm: NpmSettings): string | undefined => {
  const dir = depwardenDir(npm);
  return dir && join(dir, 'osv-data');
};

const provenanceCacheDir = (npm: NpmSettings): string | undefined => {
  const dir = depwardenDir(npm);
  return dir && join(dir, 'provenance-v1');
};

const osvCacheDir = (npm: NpmSettings): string | undefined => {
  const dir = depwardenDir(npm);
  return dir && join(dir, 'osv-v1');
};

/**
 * The signing keys of every registry the tree's checked packages come from. A registry that publishes none is
 * said once in the summary; so are keys that --offline could not read from npm's cache.
 */
async function askSigningKeys(
  tree: DependencyTree,
  facts: RegistryFacts,
  client: RegistryClient,
  npm: NpmSettings,
  notes: string[],
): Promise<Map<string, KeysResult>> {
  const counts = new Map<string, number>();
  for (const [location, entry] of answeredEntries(facts)) {
    if (!entry.ok) continue;
    const registry = registryFor(tree.nodes.get(location)!.name, npm);
    counts.set(registry, (counts.get(registry) ?? 0) + 1);
  }
  const keys = new Map<string, KeysResult>();
  for (const [registry, count] of counts) {
    const answer = await client.registryKeys(registry);
    keys.set(registry, answer);
    const packages = `${count} package${count === 1 ? '' : 's'}`;
    if (answer.state === 'none')
      notes.push(`registry signatures: ${registry} publishes no signing keys (/-/npm/v1/keys), so the signatures of its ${packages} were not checked`);
    else if (answer.state === 'unknown' && answer.offline)
      notes.push(
        `registry signatures: the signing keys of ${registry} are not in npm's cache; with --offline the signatures of its ${packages} were not checked`,
      );
  }
  return keys;
}

/** Offline, a private registry's names are its own business: whether they exist was not checked, and the summary says so. */
function namesNotJudgedNotes(byRegistry: ReadonlyMap<string, readonly string[]>): string[] {
  return [...byRegistry].map(([registry, names]) => {
    const shown = names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
    return `unregistered names: not checked for ${names.length} dependenc${names.length === 1 ? 'y' : 'ies'} from ${redactCredentials(registry)} (${shown}): offline, npm's cache does not hold them, and depwarden's name record describes only the public registry`;
  });
}
