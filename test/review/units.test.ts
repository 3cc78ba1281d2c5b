import { describe, expect, it } from 'vitest';
import { DeclaredDependencies, tsconfigPaths } from '../../src/review/declared.js';
import { packageOfSpecifier, parseImports } from '../../src/review/imports.js';
import { addedDependencies, addedDependencyLines } from '../../src/review/manifest-changes.js';
import { applyHunks, parseUnifiedDiff, unquoteC } from '../../src/text/unified-diff.js';

describe('parseImports', () => {
  it('finds every import form, with lines and type-only marks', () => {
    const source = [
      "import type { A } from 'types-only';",
      "import { type B } from 'also-types';",
      "import x from 'expresss';",
      "const y = require('lodash/fp');",
      "export { z } from '@scope/pkg/sub';",
      "const w = await import('dyn');",
      "import q = require('ts-require');",
      "type T = import('type-import').T;",
      'require(computed);',
    ].join('\n');
    const parsed = parseImports('a.ts', source);
    expect(parsed.ok && parsed.imports.map((site) => `${site.line} ${site.specifier}${site.typeOnly ? ' (types)' : ''}`)).toEqual([
      '1 types-only (types)',
      '2 also-types (types)',
      '3 expresss',
      '4 lodash/fp',
      '5 @scope/pkg/sub',
      '6 dyn',
      '7 ts-require',
      '8 type-import (types)',
    ]);
  });

  it('reports a file it cannot parse', () => {
    expect(parseImports('a.js', 'const = ;')).toEqual({ ok: false, error: 'Unexpected token (1:6)' });
  });

  it('maps specifiers to packages; built-ins, paths, URLs and # imports are none', () => {
    expect(['lodash/fp', '@s/p/x', 'node:fs', 'fs/promises', './a', '/abs', '#internal', 'https://x.example.test/m.js'].map(packageOfSpecifier)).toEqual([
      'lodash',
      '@s/p',
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('package.json changes', () => {
  it('lists dependencies added or changed, with their lines', () => {
    const head = { dependencies: { a: '^1', b: '^2' }, devDependencies: { c: '^3' } };
    const text = JSON.stringify(head, null, 2);
    expect(addedDependencies({ dependencies: { a: '^1', b: '^1' } }, head, text)).toEqual([
      { name: 'b', spec: '^2', line: 4 },
      { name: 'c', spec: '^3', line: 7 },
    ]);
  });

  it('reads added dependency lines from a diff, only inside dependency blocks', () => {
    const [file] = parseUnifiedDiff(
      [
        '--- a/package.json',
        '+++ b/package.json',
        '@@ -1,6 +1,8 @@',
        ' {',
        '   "name": "app",',
        '+  "main": "x.js",',
        '   "dependencies": {',
        '+    "lodahs": "^1.0.0",',
        '     "react": "^18"',
        '   }',
        ' }',
        '',
      ].join('\n'),
    );
    expect(file!.path).toBe('package.json');
    expect(addedDependencyLines(file!.hunks)).toEqual({ added: [{ name: 'lodahs', spec: '^1.0.0', line: 5 }], undetermined: [] });
  });

  it('the lines of added dependencies are their keys, not the first line that mentions the name', () => {
    const head = { name: 'lodash-app', scripts: { lodash: 'echo lodash' }, dependencies: { lodash: '^4' } };
    expect(addedDependencies(undefined, head, JSON.stringify(head, null, 2))).toEqual([{ name: 'lodash', spec: '^4', line: 7 }]);
  });
});

/** A package.json hunk: `header` then lines as git prints them. */
const hunk = (header: string, ...lines: string[]) => parseUnifiedDiff(['--- a/package.json', '+++ b/package.json', header, ...lines, ''].join('\n'))[0]!.hunks;

describe('dependencies from hunks alone (no copy of the file to rebuild it from)', () => {
  it.each([
    {
      case: 'the block opens inside the hunk',
      hunks: hunk('@@ -20,4 +20,5 @@', '   },', '   "devDependencies": {', '+    "vitest-utils-x": "^1.0.0",', '     "vitest": "^4"', '   }'),
      added: ['vitest-utils-x@^1.0.0:22'],
      undetermined: [],
    },
    {
      case: "git's default three lines of context: the block opened above the hunk",
      hunks: hunk(
        '@@ -8,6 +8,7 @@',
        '     "lodash": "^4.17.21",',
        '     "react": "^18.0.0",',
        '     "vue": "^3.0.0",',
        '+    "lodahs": "^1.0.0",',
        '     "zod": "^3.0.0"',
        '   }',
        ' }',
      ),
      added: [],
      undetermined: ['lodahs: ^1.0.0 @11'],
    },
    {
      case: 'a one-line package.json',
      hunks: hunk(
        '@@ -1 +1 @@',
        '-{"name":"a","dependencies":{"react":"^18"}}',
        '+{"name":"a","dependencies":{"react":"^18","lodahs":"1"}}',
        '\\ No newline at end of file',
      ),
      added: ['lodahs@1:1'],
      undetermined: [],
    },
    {
      case: 'a comma added after an unchanged entry is no new dependency',
      hunks: hunk('@@ -2,3 +2,4 @@', '   "dependencies": {', '-    "react": "^18"', '+    "react": "^18",', '+    "lodahs": "^1"', '   }'),
      added: ['lodahs@^1:4'],
      undetermined: [],
    },
    {
      case: 'a re-specified dependency counts',
      hunks: hunk('@@ -2,3 +2,3 @@', '   "dependencies": {', '-    "react": "^18"', '+    "react": "github:evil/react"', '   }'),
      added: ['react@github:evil/react:3'],
      undetermined: [],
    },
    {
      case: 'members of other blocks are not dependencies',
      hunks: hunk('@@ -1,3 +1,4 @@', ' {', '   "scripts": {', '+    "build": "tsc"', '   }'),
      added: [],
      undetermined: [],
    },
    {
      case: 'a block closed inside the hunk leads back into an unknown one',
      hunks: hunk('@@ -30,4 +30,5 @@', '     "build": "tsc"', '   },', '+  "left-pad": "1.0.0",', '   "x": "y"', ' }'),
      added: [],
      undetermined: ['left-pad: 1.0.0 @32'],
    },
  ])('$case', ({ hunks, added, undetermined }) => {
    const found = addedDependencyLines(hunks);
    expect(found.added.map((entry) => `${entry.name}@${entry.spec}:${entry.line}`)).toEqual(added);
    expect(found.undetermined.map((entry) => `${entry.key}: ${entry.value} @${entry.line}`)).toEqual(undetermined);
  });
});

describe('parseUnifiedDiff', () => {
  it('unquotes the paths git quotes (non-ASCII, quotes, tabs)', () => {
    expect(unquoteC('"src/caf\\303\\251.js"')).toBe('src/café.js');
    expect(unquoteC('"a\\"b\\tc"')).toBe('a"b\tc');
    const [file] = parseUnifiedDiff(
      ['diff --git "a/caf\\303\\251.js" "b/caf\\303\\251.js"', '--- "a/caf\\303\\251.js"', '+++ "b/caf\\303\\251.js"', '@@ -1 +1,2 @@', ' a', '+b', ''].join(
        '\n',
      ),
    );
    expect(file).toMatchObject({ path: 'café.js', oldPath: 'café.js', status: 'modified', added: [{ line: 2, text: 'b' }] });
  });

  it('counts hunk lines: an added line that reads like a file header stays in its file', () => {
    const files = parseUnifiedDiff(
      [
        '--- a/notes.md',
        '+++ b/notes.md',
        '@@ -1 +1,3 @@',
        ' x',
        '+++ b/src/evil.js',
        '+-- a/src/evil.js',
        '--- a/src/b.js',
        '+++ b/src/b.js',
        '@@ -0,0 +1 @@',
        "+require('lodahs')",
        '',
      ].join('\n'),
    );
    expect(files.map((file) => [file.path, file.status, file.added.map((line) => line.text)])).toEqual([
      ['notes.md', 'modified', ['++ b/src/evil.js', '-- a/src/evil.js']],
      ['src/b.js', 'modified', ["require('lodahs')"]],
    ]);
  });

  it('new and deleted files, a commit message before the diff and a signature after it', () => {
    const files = parseUnifiedDiff(
      [
        'From 1234 Mon Sep 17 00:00:00 2001',
        'Subject: [PATCH] x',
        '',
        '---',
        ' a.js | 1 +',
        '',
        'diff --git a/a.js b/a.js',
        'new file mode 100644',
        '--- /dev/null',
        '+++ b/a.js',
        '@@ -0,0 +1 @@',
        '+x',
        'diff --git a/b.js b/b.js',
        'deleted file mode 100644',
        '--- a/b.js',
        '+++ /dev/null',
        '@@ -1 +0,0 @@',
        '-y',
        '-- ',
        '2.43.0',
        '',
      ].join('\n'),
    );
    expect(files.map((file) => `${file.status} ${file.path}`)).toEqual(['added a.js', 'deleted b.js']);
  });

  it.each([
    { case: 'empty input', text: '', error: /the diff is empty/ },
    { case: 'text that is no diff', text: 'hello\nworld\n', error: /is not a unified diff/ },
    { case: 'JSON', text: '{"dependencies":{"lodahs":"1"}}', error: /is not a unified diff/ },
    { case: 'a hunk without a file header', text: '@@ -1 +1 @@\n-a\n+b\n', error: /no "--- a\/file"/ },
    { case: 'a file header without hunks', text: '--- a/x\n+++ b/x\n', error: /followed by no hunk/ },
    { case: 'a truncated hunk', text: '--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n', error: /ends inside a hunk/ },
    { case: 'a line that does not fit the hunk', text: '--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n?b\n', error: /line 5: does not fit the hunk/ },
    { case: 'a combined (merge) diff', text: '--- a/x\n+++ b/x\n@@@ -1 -1 +1 @@@\n  a\n', error: /not a unified diff hunk header/ },
  ])('refuses $case', ({ text, error }) => {
    expect(() => parseUnifiedDiff(text)).toThrow(error);
  });
});

describe('applyHunks', () => {
  const [file] = parseUnifiedDiff(['--- a/f', '+++ b/f', '@@ -2,3 +2,3 @@', ' b', '-c', '+C', ' d', ''].join('\n'));
  const before = 'a\nb\nc\nd\ne\n';
  const after = 'a\nb\nC\nd\ne\n';

  it('rebuilds either end from the other', () => {
    expect(applyHunks(before, file!.hunks, 'old')).toBe(after);
    expect(applyHunks(after, file!.hunks, 'new')).toBe(before);
  });

  it('refuses a copy that is neither end', () => {
    expect(applyHunks('a\nb\nX\nd\n', file!.hunks, 'old')).toBeUndefined();
    expect(applyHunks('a\nb\nX\nd\n', file!.hunks, 'new')).toBeUndefined();
  });
});

describe('declared dependencies', () => {
  const declared = new DeclaredDependencies(
    new Map([
      ['', { name: 'mono', devDependencies: { vitest: '^4' } }],
      ['packages/ui', { name: '@mono/ui', dependencies: { react: '^18' } }],
    ]),
    new Map([['', tsconfigPaths('{ "compilerOptions": { "paths": { "@app/*": ["src/*"], "config": ["cfg.ts"] } } } // done')]]),
  );

  it('a package.json applies to its folder and everything below; the root applies to workspaces', () => {
    expect(declared.isDeclared('packages/ui/src/a.tsx', 'react')).toBe(true);
    expect(declared.isDeclared('packages/ui/src/a.tsx', 'vitest')).toBe(true);
    expect(declared.isDeclared('src/a.ts', 'react')).toBe(false);
    expect(declared.isDeclared('src/a.ts', '@mono/ui')).toBe(true);
  });

  it('tsconfig paths are aliases, not packages', () => {
    expect(declared.isAlias('src/a.ts', '@app/util')).toBe(true);
    expect(declared.isAlias('src/a.ts', 'config')).toBe(true);
    expect(declared.isAlias('src/a.ts', 'configstore')).toBe(false);
  });
});
