import { defineRule, type RuleFinding } from './types.js';

/**
 * Code the change adds imports a package that no package.json applying to it declares: it works only by
 * accident (hoisting) or not at all, and an LLM-written import of a package nobody added is how hallucinated
 * names reach a project. Type-only imports are low: they vanish at compile time.
 */
export const undeclaredImport = defineRule({
  id: 'undeclared-import',
  description: 'Changed code imports a package that no applicable package.json declares.',
  defaultSeverity: 'medium',
  messages: {
    'undeclared-import': {
      message: (detail) =>
        `${detail.file}:${detail.line} ${detail.typeOnly ? 'imports types from' : 'imports'} it, but no package.json that applies declares it`,
      hint: () => 'add it to package.json if it is the package you meant; if the name was invented, remove the import',
    },
  },
  check({ tree, imports }) {
    const findings: RuleFinding[] = [];
    for (const [location, evidence] of imports ?? []) {
      const node = tree.nodes.get(location);
      if (!node || evidence.declared) continue;
      const detail = { code: 'undeclared-import', file: evidence.file, line: evidence.line, typeOnly: evidence.typeOnly } as const;
      findings.push(evidence.typeOnly ? { node, detail, severity: 'low' } : { node, detail });
    }
    return findings;
  },
});
