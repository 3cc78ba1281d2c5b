import { repositoryKey } from '../npm/provenance.js';
import type { PackageNode } from '../tree/model.js';
import { defineRule, type RuleFinding } from './types.js';
import { answeredEntries } from '../registry/facts.js';

/**
 * Packages that publish with provenance (`dist.attestations`: built in CI, signed by Sigstore) rarely stop: a
 * release without it, after releases with it, is what a publish with a stolen token from a laptop looks like.
 * "Earlier" is by publish time when the registry gives it (a backport of an old line is not compared with newer
 * releases), else by semver order. A registry that serves no attestations at all (most mirrors) never fires.
 *
 * Where provenance exists it is verified as npm does (src/registry/attestations.ts): an attestation that does not
 * verify, or speaks of other bytes, is critical; verified provenance built from another repository than the one
 * the package's `repository` field names is high (the registry refuses such a publish, so a mirror or a forged
 * packument served it). What could not be verified (no Sigstore trusted root, a registry fault) is `unverified`.
 */
export const provenanceDropped = defineRule({
  id: 'provenance-dropped',
  description: 'Earlier versions of the package were published with provenance, the resolved version was not; or its provenance does not verify.',
  defaultSeverity: 'high',
  messages: {
    'provenance-dropped': {
      message: (detail) =>
        `version ${detail.version} has no provenance, though ${detail.withProvenance === 1 ? 'an earlier version' : `${detail.withProvenance} earlier versions`} had it (latest: ${detail.lastWithProvenance}): it may have been published outside the project's CI, with a stolen token`,
      hint: (detail) => `pin ${detail.lastWithProvenance} until the maintainers confirm this release`,
    },
    'provenance-invalid': {
      message: (detail) => `the provenance of version ${detail.version} is not valid: ${detail.reason}`,
      hint: () => 'do not install it: the tarball is not the one the signed build produced; compare with `npm audit signatures` and report it to the registry',
    },
    'provenance-repository-mismatch': {
      message: (detail) =>
        `version ${detail.version} was built from ${detail.built}, ${detail.declared === undefined ? 'but the package names no repository' : `not from the repository it names (${detail.declared})`}`,
      hint: () => 'check which repository really publishes this package; a fork or a look-alike may have published it',
    },
    unverified: {
      message: (detail) => `provenance not verified: ${detail.cause}`,
      hint: () => 'run again when the registry answers, or give a Sigstore trusted root (DEPWARDEN_SIGSTORE_TRUSTED_ROOT; see the README)',
    },
  },
  check({ tree, facts, attestations }) {
    const findings: RuleFinding[] = [];
    for (const [location, entry] of facts ? answeredEntries(facts) : []) {
      if (!entry.ok || entry.facts.manifest.dist?.attestations || !entry.facts.provenanceBefore) continue;
      const { count, latest } = entry.facts.provenanceBefore;
      findings.push({
        node: tree.nodes.get(location)!,
        detail: { code: 'provenance-dropped', version: entry.facts.version, lastWithProvenance: latest, withProvenance: count },
      });
    }
    const faults: [PackageNode, string][] = [];
    for (const [location, verdict] of attestations?.byLocation ?? []) {
      const node = tree.nodes.get(location)!;
      const entry = facts?.byLocation.get(location);
      const version = entry?.ok ? entry.facts.version : (node.version ?? '');
      if (verdict.state === 'unverified') faults.push([node, verdict.cause]);
      else if (verdict.state === 'invalid')
        findings.push({ node, severity: 'critical', detail: { code: 'provenance-invalid', version, reason: verdict.reason } });
      else if (verdict.sourceRepository !== undefined) {
        const repository = entry?.ok ? entry.facts.manifest.repository : undefined;
        const declared = typeof repository === 'string' ? repository : undefined;
        if (repositoryKey(verdict.sourceRepository) !== repositoryKey(declared))
          findings.push({ node, detail: { code: 'provenance-repository-mismatch', version, built: verdict.sourceRepository, declared } });
      }
    }
    // One cause for many packages (no trusted root) is said once, on the project.
    const causes = new Set(faults.map(([, cause]) => cause));
    if (faults.length > 1 && causes.size === 1) {
      findings.push({ node: tree.root, severity: 'medium', detail: { code: 'unverified', cause: `${[...causes][0]!} (${faults.length} packages)` } });
    } else {
      for (const [node, cause] of faults) findings.push({ node, severity: 'medium', detail: { code: 'unverified', cause } });
    }
    return findings;
  },
});
