#!/usr/bin/env node
// The README's rules table, generated from each rule's own metadata (id, default severity, description), so a rule's
// words live in its file only. `npm run docs` rewrites the table; test/architecture.test.ts fails when it is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const START = '<!-- rules-table:start -->';
export const END = '<!-- rules-table:end -->';

/** The markdown table of every rule, in the order findings are listed. */
export function rulesTable(rules) {
  const rows = rules.map((rule) => `| [${rule.id}](docs/rules.md#${rule.id}) | ${rule.defaultSeverity} | ${rule.description.replaceAll('|', '\\|')} |`);
  return ['| rule | default severity | flags |', '|---|---|---|', ...rows].join('\n');
}

/** The README text with its table replaced. */
export function withRulesTable(readme, rules) {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start === -1 || end < start) throw new Error(`README.md has no ${START} … ${END} block`);
  return `${readme.slice(0, start + START.length)}\n${rulesTable(rules)}\n${readme.slice(end)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const { RULES } = await import(join(root, 'dist', 'rules', 'index.js'));
  const file = join(root, 'README.md');
  writeFileSync(file, withRulesTable(readFileSync(file, 'utf8'), RULES));
}
