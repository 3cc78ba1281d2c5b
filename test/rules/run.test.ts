import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, parsePolicy } from '../../src/config/policy.js';
import { RULES, RULE_IDS } from '../../src/rules/index.js';
import { failingFindings } from '../../src/findings/model.js';
import { runRules } from '../../src/rules/run.js';
import { contextOf, lockTree, PUBLIC_REGISTRY, REGISTRIES, registryEntry } from '../support/tree.js';
import { namesNotJudged } from '../../src/rules/unregistered-name.js';
import { readVetNames, treeFromVetNames } from '../../src/tree/names.js';
import { registryName, type FactsEntry, type RegistryFacts } from '../../src/registry/facts.js';
import type { DependencyTree } from '../../src/tree/model.js';
import type { RegistrySettings } from '../../src/npm/registries.js';

const tree = lockTree(
  {
    'node_modules/a': registryEntry('a', '1.2.0', { dependencies: { 'dw-payload': 'http://files.example.test/dw-payload.tgz' } }),
    'node_modules/dw-payload': { version: '0.0.1', resolved: 'http://files.example.test/dw-payload.tgz', integrity: 'sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk=' },
    'node_modules/g': { version: '1.0.0', resolved: 'git+ssh://git@github.com/u/g.git#0123456789abcdef0123456789abcdef01234567' },
  },
  { dependencies: { a: '^1.0.0', g: 'u/g' } },
);
const context = contextOf(tree);
const summary = (policy = DEFAULT_POLICY) =>
  runRules(RULES, context, policy).findings.map((f) => `${f.severity} ${f.rule} ${f.package.name} ${f.path.join('>')}`);

describe('runRules', () => {
  it('runs every rule, worst first, with the chain to each package', () => {
    expect(summary()).toEqual([
      'critical url-dependency dw-payload a>dw-payload',
      'high git-dependency g g',
      'high insecure-protocol dw-payload a>dw-payload',
      'medium weak-integrity dw-payload a>dw-payload',
    ]);
  });

  it('lets the policy change severities, turn rules off and allow findings with a reason', () => {
    const policy = parsePolicy(
      {
        rules: { 'weak-integrity': 'off', 'git-dependency': 'info' },
        allow: [
          { package: 'dw-payload', version: '<1', rule: 'insecure-protocol', reason: 'internal mirror on a private network' },
          { package: 'dw-payload', version: '>=1', rule: 'url-dependency', reason: 'does not match 0.0.1' },
          { package: 'nothing-here', rule: 'git-dependency', reason: 'stale' },
        ],
      },
      '.depwardenrc.json',
      RULE_IDS,
    );
    const result = runRules(RULES, context, policy);
    expect(result.findings.map((f) => `${f.severity} ${f.rule} ${f.package.name}`)).toEqual(['critical url-dependency dw-payload', 'info git-dependency g']);
    expect(result.allowed).toBe(1);
    expect(result.unusedAllows.map((entry) => entry.where)).toEqual(['allow[1]', 'allow[2]']);
  });

  it('fails at the threshold and above', () => {
    const { findings } = runRules(RULES, context, DEFAULT_POLICY);
    expect(failingFindings(findings, 'critical')).toHaveLength(1);
    expect(failingFindings(findings, 'high')).toHaveLength(3);
    expect(failingFindings(findings, 'info')).toHaveLength(4);
  });
});

describe('names to vet known by name only', () => {
  // Plain names (popular, misspelt, unknown, scoped), beside aliases of them, a tag, and URL, git and local specs.
  const texts = [
    'react',
    'lodahs',
    'expresss@^4',
    'crossenv',
    'react-native-utils-helper-for-depwarden-tests',
    '@corp/private-lib',
    '@babl/core@7',
    'x@npm:lodahs',
    'al@npm:react@18',
    'early@npm:later-given-for-depwarden-tests',
    'reqeust@next',
    'https://host.example.test/x.tgz',
    'github:u/r',
    './lib',
    'loadsh',
    'later-given-for-depwarden-tests',
  ];
  const names = readVetNames(texts.map((text, index) => ({ text, line: index + 1 }))).names;
  const source = { sourceFile: 'names.txt', projectDir: '/project' };
  // What gatherFacts gives offline when npm's cache holds none of them: a miss for every registry name with a node.
  const offlineFacts = (tree: DependencyTree): RegistryFacts => {
    const miss = { ok: false, notFound: false, cause: 'not in the cache', offline: true } as const;
    const byLocation = new Map<string, FactsEntry>();
    for (const node of tree.nodes.values()) if (registryName(tree, node) !== undefined) byLocation.set(node.location, miss);
    return { byLocation, asked: byLocation.size, offline: true };
  };
  const judged = (tree: DependencyTree, registries: RegistrySettings) => {
    const context = { ...contextOf(tree, registries), facts: offlineFacts(tree) };
    return { findings: runRules(RULES, context, DEFAULT_POLICY).findings, notJudged: namesNotJudged(context) };
  };

  it('are judged by every rule as their nodes would be, whichever registry npm uses for them', () => {
    const scoped = { ...REGISTRIES, registry: PUBLIC_REGISTRY, scopes: new Map([['@corp', 'https://npm.corp.example.test/']]) };
    for (const registries of [REGISTRIES, { ...REGISTRIES, registry: PUBLIC_REGISTRY }, scoped]) {
      const whole = treeFromVetNames(names, source);
      const byName = treeFromVetNames(names, source, () => true);
      expect(byName.nodes.size).toBeLessThan(whole.nodes.size);
      const expected = judged(whole, registries);
      expect(expected.findings.length).toBeGreaterThan(0);
      expect(judged(byName, registries)).toEqual(expected);
    }
  });
});
