import { describe, expect, it } from 'vitest';
import type { Analysis } from '../../src/analysis/analyze.js';
import { combinedExitCode, unusedEverywhere } from '../../src/cli/report-options.js';

/** An analysis with no finding whose policy entries at `unused` matched nothing. */
const analysis = (...unused: string[]): Analysis =>
  ({ failing: [], result: { findings: [], allowed: 0, unusedAllows: unused.map((where) => ({ where, package: 'x', rule: 'git-dependency' })) } }) as never;

describe('--strict over several reports of one run (check of several lockfiles)', () => {
  it('fails only on entries that matched nothing in any of them, and the reports name exactly those', () => {
    const analyses = [analysis('allow[0]', 'allow[1]'), analysis('allow[1]')];
    expect(unusedEverywhere(analyses)).toEqual(['allow[1]']);
    expect(combinedExitCode({ strict: true }, analyses)).toBe(1);
    const usedSomewhere = [analysis('allow[0]'), analysis()];
    expect(unusedEverywhere(usedSomewhere)).toEqual([]);
    expect(combinedExitCode({ strict: true }, usedSomewhere)).toBe(0);
    expect(combinedExitCode({ strict: false }, analyses)).toBe(0);
  });
});
