import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
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
    const section = docs.split(/\n## /).find((part) => part.startsWith(`${id}\n`));
    expect(section, `docs/rules.md has a "## ${id}" section`).toBeDefined();
    expect(section).toContain(`Default severity: **${rule.defaultSeverity}**`);
    expect(Object.keys(rule.messages).length).toBeGreaterThan(0);
  });

  it("the README's rules table is generated from the rules themselves (npm run docs)", async () => {
    const { withRulesTable } = (await import('../scripts/rules-table.mjs')) as { withRulesTable: (readme: string, rules: unknown) => string };
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toBe(withRulesTable(readme, RULES));
  });

  it('every rule file in src/rules is registered', () => {
    const files = readdirSync(join(ROOT, 'src/rules')).filter((file) => file.endsWith('.ts'));
    const ruleFiles = files.filter((file) => !['index.ts', 'types.ts', 'run.ts'].includes(file));
    expect(ruleFiles.map((file) => file.slice(0, -3)).sort()).toEqual(RULES.map((rule) => rule.id).sort());
  });
});

let eslint: ESLint | undefined;

/** One file's text linted as if it were at `file`, with the project's own eslint.config.js: the rules that fired. */
async function lintAs(file: string, text: string): Promise<string[]> {
  // One ESLint for the file: it loads the config and its plugins once.
  eslint ??= new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(text, { filePath: join(ROOT, file) });
  return [...new Set(result!.messages.map((message) => message.ruleId ?? message.message))].sort();
}

describe('the layers are held by lint (npm run lint)', () => {
  it.each([
    ['src/report/table.ts', "import { RULES } from '../rules/index.js';\nexport const rules = RULES;\n"],
    ['src/registry/extra.ts', "import { runRules } from '../rules/run.js';\nexport const run = runRules;\n"],
    ['src/config/extra.ts', "import type { Rule } from '../rules/types.js';\nexport type R = Rule;\n"],
    ['src/tree/extra.ts', "import { RULES } from '../rules/index.js';\nexport const rules = RULES;\n"],
    ['src/findings/extra.ts', "import { main } from '../cli/main.js';\nexport const run = main;\n"],
  ])('%s may not import upwards', async (file, text) => {
    expect(await lintAs(file, text)).toEqual(['import-x/no-restricted-paths']);
  });

  it('an import cycle is an error', async () => {
    // src/report/text.ts imports escapeText: the escaper importing the renderer back closes a cycle.
    const escape = readFileSync(join(ROOT, 'src/text/escape.ts'), 'utf8');
    const rules = await lintAs('src/text/escape.ts', `import { renderText } from '../report/text.js';\nexport const render = renderText;\n${escape}`);
    expect(rules).toEqual(['import-x/no-cycle', 'import-x/no-restricted-paths']);
  });

  it.each([
    'src/rules/extra.ts',
    'src/tree/model.ts',
    'src/report/extra.ts',
    'src/analysis/extra.ts',
    'src/gate/extra.ts',
    'src/init/extra.ts',
    'src/npm/extra.ts',
  ])('%s does no I/O of its own', async (file) => {
    const text =
      "import { readFileSync } from 'node:fs';\nimport { createRequire } from 'node:module';\nimport pacote from 'pacote';\nexport const io = [readFileSync, createRequire, pacote, process.env.HOME, fetch];\nconsole.log(io);\n";
    expect(await lintAs(file, text)).toEqual(['no-console', 'no-restricted-globals', 'no-restricted-imports']);
  });

  it.each(['src/tree/load.ts', 'src/registry/extra.ts', 'src/review/git.ts', 'src/cli/extra.ts'])('%s is an edge: it may read the disk', async (file) => {
    expect(await lintAs(file, "import { readFileSync } from 'node:fs';\nexport const text = readFileSync(process.cwd(), 'utf8');\n")).toEqual([]);
  });

  it('only bin/ sets the exit code', async () => {
    expect(await lintAs('src/cli/extra.ts', 'export const stop = () => process.exit(1);\n')).toEqual(['no-restricted-properties']);
    expect(await lintAs('bin/extra.js', 'process.exit(1);\n')).toEqual([]);
  });
});
