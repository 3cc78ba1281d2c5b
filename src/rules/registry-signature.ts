import { registryFor } from '../npm/registries.js';
import { integrityConflicts, verifyRegistrySignatures } from '../npm/signatures.js';
import type { PackageNode } from '../tree/model.js';
import { defineRule, type RuleFinding } from './types.js';
import { answeredEntries } from '../registry/facts.js';

/**
 * The registry signs every version it serves (`dist.signatures`, ECDSA P-256 over `name@version:integrity`), with
 * keys it publishes at `/-/npm/v1/keys`: `npm audit signatures` checks them after an install; this checks them
 * before. A signature that does not verify, a key the registry does not publish or that had expired, or a lockfile
 * that pins other bytes than the signed ones is critical; a version without signatures from a registry that signs
 * is high. A registry that publishes no keys (verdaccio, most mirrors) is said once in the summary, not per package.
 */
export const registrySignature = defineRule({
  id: 'registry-signature',
  description: "A resolved version's registry signature is invalid, or missing from a registry that signs its packages.",
  defaultSeverity: 'critical',
  messages: {
    'signature-invalid': {
      message: (detail) => `the registry signature of version ${detail.version} is not valid: ${detail.reason}`,
      hint: () => 'do not install it: the bytes are not the ones the registry published; compare with `npm audit signatures` and report it to the registry',
    },
    'signature-missing': {
      message: (detail) => `version ${detail.version} carries no registry signature, though ${detail.registry} signs the versions it serves`,
      hint: () => 'check where the lockfile entry came from (a mirror, a tampered cache or packument); reinstall from the registry and compare',
    },
    unverified: {
      message: (detail) => `registry signature not checked: ${detail.cause}`,
      hint: () => 'run again when the registry answers, or run `npm audit signatures` after installing',
    },
  },
  check({ tree, facts, signingKeys, registries }) {
    const findings: RuleFinding[] = [];
    if (!facts || !signingKeys) return findings;
    const faults: [PackageNode, string][] = [];
    for (const [location, entry] of answeredEntries(facts)) {
      if (!entry.ok) continue;
      const node = tree.nodes.get(location)!;
      const registry = registryFor(node.name, registries);
      const keys = signingKeys.get(registry);
      if (!keys || keys.state === 'none') continue;
      if (keys.state === 'unknown') {
        if (!keys.offline) faults.push([node, keys.cause]);
        continue;
      }
      const { version, manifest, published } = entry.facts;
      const integrity = manifest.dist?.integrity;
      const verdict = verifyRegistrySignatures({ name: node.name, version, integrity, signatures: manifest.dist?.signatures, published, keys: keys.keys });
      if (!verdict.ok && verdict.missing) {
        findings.push({ node, severity: 'high', detail: { code: 'signature-missing', version, registry } });
      } else if (!verdict.ok) {
        findings.push({ node, detail: { code: 'signature-invalid', version, registry, reason: verdict.reason } });
      } else if (node.integrity !== undefined && integrity !== undefined && integrityConflicts(node.integrity, integrity)) {
        findings.push({
          node,
          detail: {
            code: 'signature-invalid',
            version,
            registry,
            reason: `the lockfile pins ${node.integrity}, not the integrity the registry signed (${integrity})`,
          },
        });
      }
    }
    const causes = new Set(faults.map(([, cause]) => cause));
    if (faults.length > 1 && causes.size === 1) {
      findings.push({ node: tree.root, severity: 'medium', detail: { code: 'unverified', cause: `${[...causes][0]!} (${faults.length} packages)` } });
    } else {
      for (const [node, cause] of faults) findings.push({ node, severity: 'medium', detail: { code: 'unverified', cause } });
    }
    return findings;
  },
});
