import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/model.js';
import { formatLike, scriptsUnreadBecause } from '../../src/init/wiring.js';

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

describe('formatLike: the policy file init writes install scripts into', () => {
  // Trojan Source overrides, isolates, line/paragraph separators, C0 and C1 controls, DEL, a workflow command.
  const script = 'node x.js \u202e\u2066\u2069\u200f\u061c \u2028\u2029 \u0000\u001b[31m\u007f\u0085\u009b ##[error]';
  const written = formatLike(undefined, { pendingReview: [{ package: 'evil', script }] });

  it('writes no raw control, bidi or separator character, and stays valid JSON that reads back the same', () => {
    expect(written).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u);
    expect(written).toContain('\\u202e\\u2066\\u2069\\u200f\\u061c \\u2028\\u2029 \\u0000\\u001b[31m\\u007f\\u0085\\u009b #\\u0023[error]');
    expect(JSON.parse(written)).toEqual({ pendingReview: [{ package: 'evil', script }] });
  });

  it('keeps the indentation the file had, and other text as it is', () => {
    expect(formatLike('{\n    "a": 1\n}\n', { a: 'é ü 日本' })).toBe('{\n    "a": "é ü 日本"\n}\n');
  });
});
