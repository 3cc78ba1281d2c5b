import { describe, expect, it } from 'vitest';
import { DeclaredDependencies, tsconfigPaths } from '../../src/review/declared.js';
import { packageOfSpecifier, parseImports } from '../../src/review/imports.js';
import { addedDependencies, addedDependencyLines } from '../../src/review/manifest-changes.js';
import { parseUnifiedDiff } from '../../src/review/unified-diff.js';

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
      "require(computed);",
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
      'lodash', '@s/p', undefined, undefined, undefined, undefined, undefined, undefined,
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
      ['--- a/package.json', '+++ b/package.json', '@@ -1,6 +1,8 @@', ' {', '   "name": "app",', '+  "main": "x.js",', '   "dependencies": {', '+    "lodahs": "^1.0.0",', '     "react": "^18"', '   }', ' }', ''].join('\n'),
    );
    expect(file!.path).toBe('package.json');
    expect(addedDependencyLines(file!.shown)).toEqual([{ name: 'lodahs', spec: '^1.0.0', line: 5 }]);
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
