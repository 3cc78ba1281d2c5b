import type { NearMissFamily } from '../findings/model.js';
import { compact } from '../findings/wording.js';
import { findNearMiss } from '../popularity/near-miss.js';
import { isBareSpec } from '../tree/names.js';
import { isProjectNode } from '../tree/queries.js';
import { defineRule, type RuleFinding } from './types.js';

/**
 * Typo-, combo- and slop-squats: a package whose name is one slip from a far more popular one (`lodahs`,
 * `crossenv`, `unused-imports`), judged offline against the popularity index. Each name is reported once.
 */
const FAMILY_TEXT: Record<NearMissFamily, string> = {
  transposition: 'two letters swapped',
  'keyboard-slip': 'a neighbouring key pressed',
  substitution: 'one letter changed',
  confusable: 'look-alike characters',
  insertion: 'one letter added',
  'repeated-character': 'a letter repeated',
  deletion: 'one letter dropped',
  delimiter: 'its separators changed',
  'word-order': 'its words reordered',
  affix: 'a prefix or suffix added',
  'version-suffix': 'a version number appended',
  scope: 'another scope',
  'plugin-shorthand': "a plugin's name shortened",
  scrambled: 'its letters scrambled',
  'edit-distance-2': 'two letters changed',
  'edit-distance-3': 'three letters changed across its words',
};

export const nearMissName = defineRule({
  id: 'near-miss-name',
  description: 'A package name looks like a far more popular package (typo-, combo- or slop-squat).',
  defaultSeverity: 'high',
  messages: {
    'near-miss-name': {
      message: (detail) => {
      const own = detail.downloads === undefined ? `fewer than ${compact(detail.popularMin)}` : compact(detail.downloads);
      return `looks like "${detail.target}" (${compact(detail.targetDownloads)} downloads/month) with ${FAMILY_TEXT[detail.family]}; this name has ${own} downloads/month`;
    },
      hint: (detail) => `if you meant "${detail.target}", depend on that; if this is the package you want, allow it in the policy with a reason`,
    },
  },
  check({ tree, names }) {
    const findings: RuleFinding[] = [];
    const seen = new Set<string>();
    for (const node of tree.nodes.values()) {
      if (isProjectNode(node) || node.isLink || seen.has(node.name)) continue;
      // `vet ./lib` or `vet https://host/x.tgz`: the text is a spec, not a name; the local/URL/git rules judge it.
      if (tree.format === 'names' && isBareSpec(node.name)) continue;
      seen.add(node.name);
      const match = findNearMiss(node.name, names);
      if (!match) continue;
      findings.push({
        node,
        severity: match.severity,
        detail: {
          code: 'near-miss-name',
          target: match.target,
          family: match.family,
          downloads: match.downloads,
          popularMin: names.meta.popularMin,
          targetDownloads: match.targetDownloads,
        },
      });
    }
    return findings;
  },
});
