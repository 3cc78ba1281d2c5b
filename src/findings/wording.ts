import type { Declarer } from './model.js';

/** Words several rules' messages share. Unescaped: each renderer escapes for its medium. */

/** Who declared a dependency, as a message names it: the project (or a workspace) or a package with its version. */
export function declarer(by: Declarer): string {
  if (by.isProject) return by.name ? `the project's ${by.name}` : 'the project';
  return by.version ? `${by.name}@${by.version}` : by.name;
}

// Created on first use: building a number format costs milliseconds at start-up, and most reports need none.
let compactFormat: Intl.NumberFormat | undefined;
export const compact = (count: number): string =>
  (compactFormat ??= new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 })).format(count);
