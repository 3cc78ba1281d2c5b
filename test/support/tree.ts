import { loadPackagesLockfile } from '../../src/tree/npm-lockfile.js';
import type { DependencyTree } from '../../src/tree/model.js';
import { loadNameIndex } from '../../src/popularity/load.js';
import type { VersionManifest } from '../../src/npm/manifest.js';
import type { FactsEntry, PackageFacts } from '../../src/registry/facts.js';
import type { RegistrySettings } from '../../src/npm/registries.js';
import type { Rule, RuleContext } from '../../src/rules/types.js';
import type { FindingDetail, Severity } from '../../src/findings/model.js';

export const REGISTRY = 'https://registry.example.test/';
/** Where the offline name record applies; the fixtures' own registry is another (private) one. */
export const PUBLIC_REGISTRY = 'https://public-registry.example.test/';
export const REGISTRIES: RegistrySettings = { registry: REGISTRY, publicRegistry: PUBLIC_REGISTRY, scopes: new Map(), allowedHosts: [] };

/** A registry tarball entry as npm writes it. */
export function registryEntry(name: string, version: string, extra: Record<string, unknown> = {}) {
  const base = name.slice(name.indexOf('/') + 1);
  return {
    version,
    resolved: `${REGISTRY}${name}/-/${base}-${version}.tgz`,
    integrity: `sha512-${Buffer.from(`${name}@${version}`).toString('base64')}`,
    ...extra,
  };
}

/** An in-memory lockfile v3 tree: `packages` as npm writes it, the root entry included or defaulted. */
export function lockTree(packages: Record<string, unknown>, rootEntry: Record<string, unknown> = {}): DependencyTree {
  return loadPackagesLockfile(
    { lockfileVersion: 3, packages: { '': { name: 'app', version: '1.0.0', ...rootEntry }, ...packages } },
    {},
    { format: 'npm-lockfile-v3', sourceFile: 'package-lock.json', projectDir: '/project' },
  );
}

export interface Expected {
  location: string;
  code: string;
  severity: Severity;
}

/** A rule's input: the tree, registry settings, and the real committed name index. */
export function contextOf(tree: DependencyTree, registries: RegistrySettings = REGISTRIES): RuleContext {
  return { tree, registries, names: loadNameIndex() };
}

/** Every finding of one rule, reduced to what a table test states, in a stable order. */
export function findingsOf(rule: Rule, tree: DependencyTree, registries: RegistrySettings = REGISTRIES): Expected[] {
  return findingsIn(rule, contextOf(tree, registries));
}

/** Registry facts as the gatherer would build them, for rule tests: by location, ok or a fault. */
export function withFacts(tree: DependencyTree, entries: Record<string, FactsEntry>, now = new Date('2026-11-25T12:00:00Z')): RuleContext {
  const byLocation = new Map(Object.entries(entries));
  return { ...contextOf(tree), facts: { byLocation, asked: byLocation.size, offline: false }, now };
}

/** One ok entry: a version manifest with optional history. */
export function published(version: string, manifest: VersionManifest, more: Partial<Omit<PackageFacts, 'version' | 'manifest'>> = {}): FactsEntry {
  return {
    ok: true,
    facts: {
      version,
      manifest,
      previous: undefined,
      published: undefined,
      firstPublished: undefined,
      installAnalysis: undefined,
      filesFault: undefined,
      provenanceBefore: undefined,
      ...more,
    },
  };
}

/** The findings of a rule in a context, reduced as in findingsOf. */
export function findingsIn(rule: Rule, context: RuleContext): Expected[] {
  return rule
    .check(context)
    .map((finding) => ({ location: finding.node.location, code: finding.detail.code, severity: finding.severity ?? rule.defaultSeverity }))
    .sort((a, b) => a.location.localeCompare(b.location) || a.code.localeCompare(b.code));
}

/** A finding's message in its rule's own words, as reports print it. */
export function messageOf(rule: Rule, detail: FindingDetail): string {
  const text = rule.messages[detail.code] as { message(detail: FindingDetail): string } | undefined;
  if (!text) throw new Error(`${rule.id} has no message for ${detail.code}`);
  return text.message(detail);
}
