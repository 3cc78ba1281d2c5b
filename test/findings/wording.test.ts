import { describe, expect, it } from 'vitest';
import { compact, declarer, declares, dependsOn } from '../../src/findings/wording.js';

describe('compact', () => {
  // The reference is Intl's own compact notation, which the hand-written form replaces for start-up time.
  const intl = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
  const samples = [
    0, 7, 950, 999, 1000, 1049, 1050, 9_999, 10_000, 10_500, 99_949, 99_950, 133_300, 999_949, 999_950, 1_000_000, 1_250_000, 299_500_000, 999_950_000,
    2_400_000_000, 7e12,
  ];

  it.each(samples)('%d reads as Intl compact notation would', (count) => {
    expect(compact(count)).toBe(intl.format(count));
  });

  it('agrees with Intl on a spread of counts', () => {
    let mismatches = 0;
    for (let count = 1; count < 5e10; count = Math.ceil(count * 1.37) + 1) if (compact(count) !== intl.format(count)) mismatches++;
    expect(mismatches).toBe(0);
  });
});

describe('declarer', () => {
  it('names the project, a workspace, or a package with its version', () => {
    expect(declarer({ name: '', version: undefined, isProject: true })).toBe('the project');
    expect(declarer({ name: 'app', version: '1.0.0', isProject: true })).toBe("the project's app");
    expect(declarer({ name: 'dw-phantom', version: '1.0.0', isProject: false })).toBe('dw-phantom@1.0.0');
  });
});

describe('declares, dependsOn', () => {
  it('say who declared it, or, for names asked for (vet), that it was asked for', () => {
    expect(declares({ name: '', version: undefined, isProject: true })).toBe('the project declares');
    expect(dependsOn({ name: 'dw-phantom', version: '1.0.0', isProject: false })).toBe('dw-phantom@1.0.0 depends on');
    expect(declares({ name: '', version: undefined, isProject: true, asked: true })).toBe('asked for');
    expect(dependsOn({ name: '', version: undefined, isProject: true, asked: true })).toBe('asked for');
  });
});
