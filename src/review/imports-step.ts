/**
 * Review step: packages newly imported by changed JavaScript/TypeScript files (read with Babel's parser at
 * both ends, or line by line from a diff's added lines), handed on as names; whether a package.json that
 * applies declares each becomes the evidence for `undeclared-import`.
 */
import { posix } from 'node:path';
import type { ImportEvidence } from '../rules/types.js';
import { DeclaredDependencies, tsconfigPaths } from './declared.js';
import { folderOf, type NameCollector, type StepContext } from './context.js';
import { CODE_FILE, packageOfSpecifier, parseImports, type ImportSite } from './imports.js';

export function importsStep(context: StepContext, names: NameCollector): Map<string, ImportEvidence> {
  const declaredDeps = loadDeclared(context);
  const imports = new Map<string, ImportEvidence>();
  for (const file of context.change.changed.filter((path) => CODE_FILE.test(path) && !path.includes('node_modules/'))) {
    for (const site of newImports(context, file)) {
      const name = packageOfSpecifier(site.specifier);
      if (name === undefined || declaredDeps.isAlias(file, site.specifier)) continue;
      const location = `node_modules/${name}`;
      names.add(name, { uri: file, line: site.line });
      if (!imports.has(location)) imports.set(location, { file, line: site.line, typeOnly: site.typeOnly, declared: declaredDeps.isDeclared(file, name) });
    }
  }
  return imports;
}

function newImports({ change, notices }: StepContext, file: string): ImportSite[] {
  const partial = change.hunksOnly(file);
  if (partial) return partial.added.flatMap(({ line, text }) => importsOfLine(file, text).map((site) => ({ ...site, line })));
  const headText = change.read(file, 'head');
  if (headText === undefined) return [];
  const head = parseImports(file, headText);
  if (!head.ok) {
    notices.push({ file, message: `could not be parsed (${head.error}): its imports were not checked` });
    return [];
  }
  const baseText = change.read(file, 'base');
  const base = baseText === undefined ? undefined : parseImports(file, baseText);
  const before = new Set(base?.ok ? base.imports.map((site) => packageOfSpecifier(site.specifier)) : []);
  return head.imports.filter((site) => !before.has(packageOfSpecifier(site.specifier)));
}

/** Imports on one added line of a diff: the parser when the line stands alone, else the import forms' shapes. */
function importsOfLine(file: string, text: string): ImportSite[] {
  const parsed = parseImports(file, text);
  if (parsed.ok) return [...parsed.imports];
  const sites: ImportSite[] = [];
  for (const match of text.matchAll(
    /\bfrom\s*['"]([^'"]+)['"]|\brequire\(\s*['"]([^'"]+)['"]\s*\)|\bimport\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/g,
  )) {
    const specifier = match[1] ?? match[2] ?? match[3] ?? match[4]!;
    sites.push({ specifier, line: 1, typeOnly: /^\s*(?:import|export)\s+type\b/.test(text) });
  }
  return sites;
}

function loadDeclared({ change }: StepContext): DeclaredDependencies {
  const manifests = new Map<string, Record<string, unknown>>();
  const aliases = new Map<string, string[]>();
  for (const path of change.manifests()) {
    const dir = folderOf(path);
    try {
      manifests.set(dir, JSON.parse(change.read(path, 'head') ?? '{}'));
    } catch {
      // An unreadable manifest declares nothing.
    }
    const tsconfig = change.read(posix.join(dir, 'tsconfig.json'), 'head');
    if (tsconfig !== undefined) aliases.set(dir, tsconfigPaths(tsconfig));
  }
  return new DeclaredDependencies(manifests, aliases);
}
