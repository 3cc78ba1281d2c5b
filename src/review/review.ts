import { posix } from 'node:path';
import { analyze, type Analysis, type AnalyzeOptions } from '../analysis/analyze.js';
import { type RegistrySummary } from '../findings/model.js';
import { loadPolicy } from '../config/load.js';
import { isInputError } from '../errors.js';
import { objectKeyLines, pointerToken } from '../report/json-lines.js';
import { DeclaredDependencies, tsconfigPaths } from './declared.js';
import type { GitRepo } from './git.js';
import { CODE_FILE, packageOfSpecifier, parseImports, type ImportSite } from './imports.js';
import { addedDependencies, addedDependencyLines, type AddedDependency } from './manifest-changes.js';
import type { DiffFile } from './unified-diff.js';
import { RULES, RULE_IDS } from '../rules/index.js';
import { failingFindings, type Finding } from '../findings/model.js';
import type { ImportEvidence } from '../rules/types.js';
import type { FileSource } from '../tree/files.js';
import { loadProject } from '../tree/load.js';
import { treeFromNames, parseNameArgument, type NameArgument } from '../tree/names.js';

/** Where a finding points in the change: a file of the repository and a line. */
export interface ChangeLocation {
  readonly uri: string;
  readonly line: number;
}

export interface ReviewResult {
  readonly analysis: Analysis;
  /** By finding key (`rule package@version`), the place in the change it comes from. */
  readonly locations: ReadonlyMap<string, ChangeLocation>;
  /** Files the change touches that could not be read as code: reported, the rest still checked. */
  readonly notices: readonly { file: string; message: string }[];
}

export const findingKey = (finding: Finding): string => `${finding.rule} ${finding.detail.code} ${finding.package.name}@${finding.package.version ?? ''}`;

/** What `review` needs to read the change: from git (base..head or the working tree), or from a unified diff. */
export type ChangeSource =
  | { readonly kind: 'git'; readonly repo: GitRepo; readonly base: string; readonly head: string | undefined; readonly workingTree: FileSource }
  | { readonly kind: 'diff'; readonly files: readonly DiffFile[]; readonly workingTree: FileSource };

const LOCKFILE = /(^|\/)(package-lock|npm-shrinkwrap)\.json$/;
const MANIFEST = /(^|\/)package\.json$/;

/**
 * `depwarden review`: only what the change introduced. Lockfiles that changed are checked at both ends and
 * only new findings kept; dependencies added to package.json and packages newly imported by changed code are
 * checked as names (as `vet` does), and imports that no package.json declares are findings of their own.
 */
export async function review(change: ChangeSource, options: AnalyzeOptions): Promise<ReviewResult> {
  const policy = loadPolicy(options.files, RULE_IDS, options.config);
  const notices: { file: string; message: string }[] = [];
  const locations = new Map<string, ChangeLocation>();
  const findings: Finding[] = [];
  let registry: RegistrySummary = { asked: 0, answered: 0, notCached: 0, offline: options.offline };
  let allowed = 0;
  const lockedDirs = new Set<string>();

  const read = (path: string, side: 'base' | 'head'): string | undefined =>
    change.kind === 'diff'
      ? side === 'head'
        ? change.workingTree.readText(path)
        : undefined
      : change.repo.show(path, side === 'base' ? change.base : change.head, (file) => change.workingTree.readText(file));
  const changed = change.kind === 'diff' ? change.files.map((file) => file.path) : change.repo.changedFiles(change.base, change.head);

  // Lockfiles: findings at head that the base did not have.
  if (change.kind === 'git') {
    for (const lockfile of changed.filter((path) => LOCKFILE.test(path))) {
      const dir = posix.dirname(lockfile) === '.' ? '' : posix.dirname(lockfile);
      const atHead = await analyzeLockfile(dir, 'head');
      if (!atHead) continue;
      lockedDirs.add(dir);
      const atBase = await analyzeLockfile(dir, 'base');
      const before = new Set(atBase?.result.findings.map(findingKey));
      const lines = objectKeyLines(read(lockfile, 'head') ?? '');
      for (const finding of atHead.result.findings) {
        if (before.has(findingKey(finding))) continue;
        findings.push(finding);
        locations.set(findingKey(finding), { uri: lockfile, line: lines.get(`packages/${pointerToken(finding.package.location)}`) ?? 1 });
      }
      registry = sum(registry, atHead.registry);
      allowed += atHead.result.allowed;
    }
  }

  // Names: dependencies added to a package.json whose lockfile did not change with it, and new imports.
  const names: NameArgument[] = [];
  const nameLocations = new Map<string, ChangeLocation>();
  const addName = (text: string, where: ChangeLocation) => {
    const { location } = parseNameArgument(text);
    if (nameLocations.has(location)) return;
    nameLocations.set(location, where);
    names.push({ text });
  };
  for (const manifest of changed.filter((path) => MANIFEST.test(path))) {
    const dir = posix.dirname(manifest) === '.' ? '' : posix.dirname(manifest);
    if (lockedDirs.has(dir)) continue;
    for (const added of manifestAdditions(manifest)) addName(`${added.name}@${added.spec}`, { uri: manifest, line: added.line ?? 1 });
  }

  const declaredDeps = loadDeclared();
  const imports = new Map<string, ImportEvidence>();
  for (const file of changed.filter((path) => CODE_FILE.test(path) && !path.includes('node_modules/'))) {
    for (const site of newImports(file)) {
      const name = packageOfSpecifier(site.specifier);
      if (name === undefined || declaredDeps.isAlias(file, site.specifier)) continue;
      const location = `node_modules/${name}`;
      addName(name, { uri: file, line: site.line });
      if (!imports.has(location)) imports.set(location, { file, line: site.line, typeOnly: site.typeOnly, declared: declaredDeps.isDeclared(file, name) });
    }
  }

  const tree = treeFromNames(names, { sourceFile: '(change)', projectDir: options.files.dir });
  if (names.length > 0) {
    const asNames = await analyze(tree, policy, { ...options, imports });
    registry = sum(registry, asNames.registry);
    allowed += asNames.result.allowed;
    for (const finding of asNames.result.findings) {
      findings.push(finding);
      const where = nameLocations.get(finding.package.location);
      if (where) locations.set(findingKey(finding), where);
    }
  }

  const failOn = options.failOn ?? policy.failOn;
  const unique = [...new Map(findings.map((finding) => [findingKey(finding), finding])).values()];
  const analysis: Analysis = {
    tree,
    policy,
    rules: RULES,
    // Allowlist entries are matched per part of the change, so "unused" would be a guess here: none are reported.
    result: { findings: unique, allowed, unusedAllows: [] },
    failOn,
    failing: failingFindings(unique, failOn),
    registry,
  };
  return { analysis, locations, notices };

  async function analyzeLockfile(dir: string, side: 'base' | 'head'): Promise<Analysis | undefined> {
    const files: FileSource = { dir: posix.join(options.files.dir, dir), readText: (path) => read(posix.join(dir, path), side) };
    try {
      const project = await loadProject(files, { nodeModules: false });
      return await analyze(project.tree, policy, options);
    } catch (error) {
      if (!isInputError(error)) throw error;
      if (side === 'head') notices.push({ file: posix.join(dir, 'package-lock.json'), message: `not checked as a lockfile: ${error.message}` });
      return undefined;
    }
  }

  function manifestAdditions(manifest: string): AddedDependency[] {
    if (change.kind === 'diff') return addedDependencyLines(change.files.find((file) => file.path === manifest)?.shown ?? []);
    const headText = read(manifest, 'head');
    if (headText === undefined) return [];
    try {
      const baseText = read(manifest, 'base');
      return addedDependencies(baseText === undefined ? undefined : JSON.parse(baseText), JSON.parse(headText), headText);
    } catch {
      notices.push({ file: manifest, message: 'is not valid JSON: its dependencies were not checked' });
      return [];
    }
  }

  function newImports(file: string): ImportSite[] {
    if (change.kind === 'diff') {
      const diffFile = change.files.find((entry) => entry.path === file)!;
      return diffFile.added.flatMap(({ line, text }) => importsOfLine(file, text).map((site) => ({ ...site, line })));
    }
    const headText = read(file, 'head');
    if (headText === undefined) return [];
    const head = parseImports(file, headText);
    if (!head.ok) {
      notices.push({ file, message: `could not be parsed (${head.error}): its imports were not checked` });
      return [];
    }
    const baseText = read(file, 'base');
    const base = baseText === undefined ? undefined : parseImports(file, baseText);
    const before = new Set(base?.ok ? base.imports.map((site) => packageOfSpecifier(site.specifier)) : []);
    return head.imports.filter((site) => !before.has(packageOfSpecifier(site.specifier)));
  }

  function loadDeclared(): DeclaredDependencies {
    const manifests = new Map<string, Record<string, unknown>>();
    const aliases = new Map<string, string[]>();
    const manifestPaths = change.kind === 'git' ? change.repo.manifests(change.head) : ['package.json'];
    for (const path of manifestPaths) {
      const dir = posix.dirname(path) === '.' ? '' : posix.dirname(path);
      try {
        manifests.set(dir, JSON.parse(read(path, 'head') ?? '{}'));
      } catch {
        // An unreadable manifest declares nothing.
      }
      const tsconfig = read(posix.join(dir, 'tsconfig.json'), 'head');
      if (tsconfig !== undefined) aliases.set(dir, tsconfigPaths(tsconfig));
    }
    return new DeclaredDependencies(manifests, aliases);
  }
}

/** Imports on one added line of a diff: the parser when the line stands alone, else the import forms' shapes. */
function importsOfLine(file: string, text: string): ImportSite[] {
  const parsed = parseImports(file, text);
  if (parsed.ok) return [...parsed.imports];
  const sites: ImportSite[] = [];
  for (const match of text.matchAll(/\bfrom\s*['"]([^'"]+)['"]|\brequire\(\s*['"]([^'"]+)['"]\s*\)|\bimport\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/g)) {
    const specifier = match[1] ?? match[2] ?? match[3] ?? match[4]!;
    sites.push({ specifier, line: 1, typeOnly: /^\s*(?:import|export)\s+type\b/.test(text) });
  }
  return sites;
}

function sum(a: RegistrySummary, b: RegistrySummary): RegistrySummary {
  return { asked: a.asked + b.asked, answered: a.answered + b.answered, notCached: a.notCached + b.notCached, offline: a.offline };
}
