import { isBuiltin } from 'node:module';
import type { ParserPlugin } from '@babel/parser';
import { babelParser } from '../cjs.js';

/** One module a source file imports, where, and whether only its types are imported. */
export interface ImportSite {
  readonly specifier: string;
  readonly line: number;
  readonly typeOnly: boolean;
}

export type ParsedImports = { readonly ok: true; readonly imports: readonly ImportSite[] } | { readonly ok: false; readonly error: string };

const TYPESCRIPT = /\.(?:ts|mts|cts|tsx)$/;
export const CODE_FILE = /\.(?:js|mjs|cjs|jsx|ts|mts|cts|tsx)$/;

/**
 * Every import of a JavaScript or TypeScript file, read with Babel's parser (never executed): `import`,
 * `export … from`, `require('x')`, dynamic `import('x')`, `import x = require('x')` and `import('x')` types.
 * Only string-literal specifiers count; a computed one names no package.
 */
export function parseImports(path: string, source: string): ParsedImports {
  const plugins: ParserPlugin[] = TYPESCRIPT.test(path) ? ['typescript', ...(path.endsWith('x') ? (['jsx'] as const) : [])] : ['jsx'];
  let program: unknown;
  try {
    program = babelParser().parse(source, {
      sourceType: 'unambiguous',
      plugins,
      errorRecovery: false,
      allowReturnOutsideFunction: true,
      allowImportExportEverywhere: true,
    });
  } catch (error) {
    return { ok: false, error: (error as Error).message.split('\n')[0]! };
  }
  const imports: ImportSite[] = [];
  const add = (node: AstNode | undefined, line: number | undefined, typeOnly: boolean) => {
    if (node?.type === 'StringLiteral' && typeof node.value === 'string')
      imports.push({ specifier: node.value, line: line ?? node.loc?.start.line ?? 1, typeOnly });
  };
  walk(program as AstNode, (node) => {
    switch (node.type) {
      case 'ImportDeclaration':
        add(node.source, node.loc?.start.line, node.importKind === 'type' || node.importKind === 'typeof' || allTypeSpecifiers(node));
        break;
      case 'ExportNamedDeclaration':
      case 'ExportAllDeclaration':
        add(node.source, node.loc?.start.line, node.exportKind === 'type');
        break;
      case 'CallExpression':
        if ((node.callee?.type === 'Identifier' && node.callee.name === 'require') || node.callee?.type === 'Import') {
          add(node.arguments?.[0], node.loc?.start.line, false);
        }
        break;
      case 'ImportExpression':
        add(node.source, node.loc?.start.line, false);
        break;
      case 'TSImportEqualsDeclaration':
        if (node.moduleReference?.type === 'TSExternalModuleReference') add(node.moduleReference.expression, node.loc?.start.line, node.importKind === 'type');
        break;
      case 'TSImportType':
        add(node.argument?.type === 'TSLiteralType' ? node.argument.literal : node.argument, node.loc?.start.line, true);
        break;
    }
  });
  return { ok: true, imports: imports.sort((a, b) => a.line - b.line) };
}

/** `import { type A, type B } from 'x'` imports only types, like `import type`. */
function allTypeSpecifiers(node: AstNode): boolean {
  const specifiers = node.specifiers ?? [];
  return specifiers.length > 0 && specifiers.every((specifier: AstNode) => specifier.importKind === 'type');
}

/**
 * The package an import specifier names (`lodash/fp` -> `lodash`, `@scope/pkg/sub` -> `@scope/pkg`), or
 * undefined for relative and absolute paths, URLs, Node built-ins and `#` subpath imports.
 */
export function packageOfSpecifier(specifier: string): string | undefined {
  if (!specifier || /^[./]/.test(specifier) || specifier.startsWith('#') || /^[a-z][a-z0-9+.-]*:/i.test(specifier)) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  if (isBuiltin(name) || isBuiltin(specifier)) return undefined;
  return name;
}

interface AstNode {
  type: string;
  loc?: { start: { line: number } };
  [key: string]: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- Babel's AST, walked generically
}

function walk(node: AstNode, visit: (node: AstNode) => void): void {
  const stack: AstNode[] = [node];
  while (stack.length > 0) {
    const current = stack.pop()!;
    visit(current);
    for (const key of Object.keys(current)) {
      if (key === 'loc' || key === 'start' || key === 'end' || key === 'extra' || key === 'comments' || key === 'tokens') continue;
      const value = current[key];
      if (Array.isArray(value)) {
        for (const item of value) if (item && typeof item.type === 'string') stack.push(item);
      } else if (value && typeof value === 'object' && typeof value.type === 'string') stack.push(value);
    }
  }
}
