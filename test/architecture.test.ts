import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../src/rules/index.js';
import { ROOT } from './support/paths.js';

const sourceFiles = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.ts'))
    .map((path) => join(dir, path));

describe('the house is complete', () => {
  const docs = readFileSync(join(ROOT, 'docs', 'rules.md'), 'utf8');

  it.each(RULES.map((rule) => [rule.id, rule] as const))('%s has its own file, a test file and a docs entry', (id, rule) => {
    expect(sourceFiles('src/rules')).toContain(`src/rules/${id}.ts`);
    expect(sourceFiles('test/rules')).toContain(`test/rules/${id}.test.ts`);
    expect(docs).toContain(`\n## ${id}\n`);
    expect(docs).toContain(`Default severity: **${rule.defaultSeverity}**`);
  });

  it('every rule file in src/rules is registered', () => {
    const files = readdirSync(join(ROOT, 'src/rules')).filter((file) => file.endsWith('.ts'));
    const ruleFiles = files.filter((file) => !['index.ts', 'types.ts', 'run.ts'].includes(file));
    expect(ruleFiles.map((file) => file.slice(0, -3)).sort()).toEqual(RULES.map((rule) => rule.id).sort());
  });
});

describe('I/O stays at the edges', () => {
  // The only files of these folders allowed to touch the disk, the network or the process.
  const EDGES = new Set(['src/tree/files.ts', 'src/tree/load.ts', 'src/tree/arborist.ts', 'src/tree/installed.ts']);
  const FORBIDDEN = /from 'node:(fs|fs\/promises|net|http|https|child_process)'|\bconsole\.|\bprocess\.|\bfetch\(/;

  const pure = ['src/findings', 'src/npm', 'src/rules', 'src/tree', 'src/report', 'src/text']
    .flatMap(sourceFiles)
    .concat('src/config/policy.ts')
    .filter((file) => !EDGES.has(file));

  it.each(pure)('%s is pure', (file) => {
    expect(readFileSync(join(ROOT, file), 'utf8')).not.toMatch(FORBIDDEN);
  });

  it('only bin/ sets the exit code', () => {
    const offenders = sourceFiles('src').filter((file) => /process\.exit/.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(offenders.map((file) => relative(ROOT, join(ROOT, file)))).toEqual([]);
  });
});
