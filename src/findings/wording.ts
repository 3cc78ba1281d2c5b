import type { Declarer } from './model.js';

/** Words several rules' messages share. Unescaped: each renderer escapes for its medium. */

/** Who declared a dependency, as a message names it: the project (or a workspace) or a package with its version. */
export function declarer(by: Declarer): string {
  if (by.isProject) return by.name ? `the project's ${by.name}` : 'the project';
  return by.version ? `${by.name}@${by.version}` : by.name;
}

/** `the project declares`, `x@1.0.0 declares`, or `asked for` when the root is the names asked for (vet). */
export function declares(by: Declarer): string {
  return by.asked ? 'asked for' : `${declarer(by)} declares`;
}

/** `the project depends on`, `x@1.0.0 depends on`, or `asked for` when the root is the names asked for (vet). */
export function dependsOn(by: Declarer): string {
  return by.asked ? 'asked for' : `${declarer(by)} depends on`;
}

const COMPACT_UNITS = ['', 'K', 'M', 'B', 'T'];

/**
 * A download count as people read it: `950`, `10K`, `133.3K`, `1M` (English compact notation, one decimal at most).
 * By hand, since creating Intl's compact number format loads ICU data: about 20 ms of a 0.5 s check for one message.
 */
export function compact(count: number): string {
  const round = (value: number): number => Math.round(value * 10) / 10;
  let value = count;
  let unit = 0;
  while (unit < COMPACT_UNITS.length - 1 && round(value) >= 1000) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? Math.round(value) : round(value)}${COMPACT_UNITS[unit]}`;
}
