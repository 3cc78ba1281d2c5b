import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/config/policy.js';
import { RULE_IDS } from '../../src/rules/index.js';

const parse = (raw: unknown) => parsePolicy(raw, '.depwardenrc.json', RULE_IDS);
const error = (raw: unknown): string => {
  try {
    parse(raw);
  } catch (caught) {
    return (caught as Error).message;
  }
  throw new Error('parsed without an error');
};

describe('policy', () => {
  it('reads every key', () => {
    const policy = parse({
      failOn: 'medium',
      allowedHosts: ['mirror.example.test', 'localhost:4873'],
      rules: { 'alias-dependency': 'off', 'git-dependency': 'low' },
      allow: [{ package: 'left-pad', version: '^1.0.0', rule: 'git-dependency', reason: 'vendored fork, reviewed' }],
    });
    expect(policy.failOn).toBe('medium');
    expect(policy.allowedHosts).toEqual(['mirror.example.test', 'localhost:4873']);
    expect([...policy.rules]).toEqual([
      ['alias-dependency', 'off'],
      ['git-dependency', 'low'],
    ]);
    expect(policy.allow).toEqual([{ package: 'left-pad', version: '^1.0.0', rule: 'git-dependency', reason: 'vendored fork, reviewed', where: 'allow[0]' }]);
  });

  it('reads where malware advisories come from', () => {
    expect(parse({ advisories: { osvUrl: 'https://osv.example.test', osvData: 'osv/npm.zip' } }).advisories).toEqual({
      osvUrl: 'https://osv.example.test',
      osvData: 'osv/npm.zip',
    });
    expect(parse({}).advisories).toEqual({ osvUrl: undefined, osvData: undefined });
  });

  it('defaults to failing at high with nothing allowed', () => {
    expect(parse({})).toMatchObject({ failOn: 'high', allowedHosts: [], allow: [] });
  });

  it.each([
    [{ failon: 'high' }, 'failon is not a known key; did you mean "failOn"?'],
    [{ failOn: 'error' }, 'failOn must be one of critical, high, medium, low, info; found "error"'],
    [{ failOn: 2 }, 'failOn must be one of critical, high, medium, low, info; found 2'],
    [{ rules: { 'url-dependencies': 'off' } }, 'rules.url-dependencies is not a rule; did you mean "url-dependency"?'],
    [{ rules: { 'url-dependency': 'warn' } }, 'rules.url-dependency must be one of critical, high, medium, low, info, off; found "warn"'],
    [{ allowedHosts: 'x' }, 'allowedHosts must be an array'],
    [
      { allowedHosts: ['https://mirror.example.test/npm/'] },
      'allowedHosts[0] must be a host name such as "registry.example.test"; did you mean "mirror.example.test"?',
    ],
    [{ allow: [{ package: 'a', rule: 'git-dependency' }] }, 'allow[0].reason must be a non-empty string'],
    [{ allow: [{ package: 'a', rule: 'git-dependency', reason: ' ' }] }, 'allow[0].reason must be a non-empty string'],
    [{ allow: [{ package: 'a', rule: 'gitdependency', reason: 'r' }] }, 'allow[0].rule "gitdependency" is not a rule; did you mean "git-dependency"?'],
    [{ allow: [{ package: 'a', rule: 'git-dependency', reason: 'r', version: 'one' }] }, 'allow[0].version "one" is not a semver range such as "^1.2.0"'],
    [{ allow: [{ package: 'A B', rule: 'git-dependency', reason: 'r' }] }, 'allow[0].package "A B" is not a package name'],
    [{ allow: [{ package: 'a', rule: 'git-dependency', reason: 'r', reasons: 'x' }] }, 'allow[0].reasons is not a known key; did you mean "reason"?'],
    [[], 'the depwarden config must be an object'],
    [{ advisories: { osvURL: 'https://osv.example.test' } }, 'advisories.osvURL is not a known key; did you mean "osvUrl"?'],
    [{ advisories: { osvUrl: 'osv.example.test' } }, 'advisories.osvUrl must be an http(s) URL such as "https://osv.example.test"; found "osv.example.test"'],
    [{ advisories: { osvData: '' } }, 'advisories.osvData must be a non-empty string'],
    [{ advisories: [] }, 'advisories must be an object'],
  ])('%j is refused: %s', (raw, message) => {
    expect(error(raw)).toBe(message);
  });
});
