import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/model.js';
import { scriptsUnreadBecause } from '../../src/init/wiring.js';

const root = { name: 'app', version: '1.0.0', location: '', alias: undefined };
const unverified = (cause: string): Finding => ({ rule: 'unverified', severity: 'high', package: root, path: [], detail: { code: 'unverified', cause } });
const other: Finding = {
  rule: 'foreign-registry',
  severity: 'high',
  package: root,
  path: [],
  detail: { code: 'foreign-registry', host: 'a.example.test', expected: 'b' },
};

describe('scriptsUnreadBecause: whether init may say the tree has no install scripts', () => {
  it.each([
    ['every package read', [other], { asked: 4, answered: 4, notCached: 0, offline: false }, undefined],
    ['nothing to ask', [], { asked: 0, answered: 0, notCached: 0, offline: true }, undefined],
    [
      'the registry refused: its unverified causes, each once',
      [unverified('the registry refused the connection'), unverified('the registry refused the connection'), other],
      { asked: 4, answered: 0, notCached: 0, offline: false },
      'the registry refused the connection',
    ],
    [
      'two causes, on one line',
      [unverified('a 500\nfrom x'), unverified('a timeout')],
      { asked: 4, answered: 2, notCached: 0, offline: false },
      'a 500 from x; a timeout',
    ],
    ['--offline, npm cache empty', [other], { asked: 4, answered: 0, notCached: 4, offline: true }, "4 of 4 packages are not in npm's cache (--offline)"],
    [
      'unanswered without a finding (the unverified rule turned off)',
      [],
      { asked: 3, answered: 1, notCached: 0, offline: false },
      '2 of 3 packages were not read from the registry',
    ],
  ])('%s', (_case, findings, lookups, expected) => {
    expect(scriptsUnreadBecause(findings, lookups)).toBe(expected);
  });
});
