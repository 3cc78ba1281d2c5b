import { defineRule, type RuleFinding } from './types.js';

/**
 * Packages that publish with provenance (`dist.attestations`: built in CI, signed by Sigstore) rarely stop: a
 * release without it, after releases with it, is what a publish with a stolen token from a laptop looks like.
 * "Earlier" is by publish time when the registry gives it (a backport of an old line is not compared with newer
 * releases), else by semver order. A registry that serves no attestations at all (most mirrors) never fires.
 */
export const provenanceDropped = defineRule({
  id: 'provenance-dropped',
  description: 'Earlier versions of the package were published with provenance, the resolved version was not.',
  defaultSeverity: 'high',
  messages: {
    'provenance-dropped': {
      message: (detail) =>
        `version ${detail.version} has no provenance, though ${detail.withProvenance === 1 ? 'an earlier version' : `${detail.withProvenance} earlier versions`} had it (latest: ${detail.lastWithProvenance}): it may have been published outside the project's CI, with a stolen token`,
      hint: (detail) => `pin ${detail.lastWithProvenance} until the maintainers confirm this release`,
    },
  },
  check({ tree, facts }) {
    const findings: RuleFinding[] = [];
    for (const [location, entry] of facts?.byLocation ?? []) {
      if (!entry.ok || entry.facts.manifest.dist?.attestations || !entry.facts.provenanceBefore) continue;
      const { count, latest } = entry.facts.provenanceBefore;
      findings.push({
        node: tree.nodes.get(location)!,
        detail: { code: 'provenance-dropped', version: entry.facts.version, lastWithProvenance: latest, withProvenance: count },
      });
    }
    return findings;
  },
});
