/**
 * Review step: dependencies added to (or re-specified in) a package.json whose lockfile did not change with
 * it, handed on as names to judge. Exact when both ends of the file are known; from the hunks otherwise, and
 * an added line whose block the diff does not show stops the review rather than pass unseen.
 */
import { InputError } from '../errors.js';
import { escapeName } from '../text/escape.js';
import { refusedName } from '../tree/names.js';
import { folderOf, type NameCollector, type StepContext } from './context.js';
import { addedDependencies, addedDependencyLines, type AddedDependency } from './manifest-changes.js';

const MANIFEST = /(^|\/)package\.json$/;

export function manifestStep(context: StepContext, lockedDirs: ReadonlySet<string>, names: NameCollector): void {
  for (const manifest of context.change.changed.filter((path) => MANIFEST.test(path) && !path.includes('node_modules/'))) {
    if (lockedDirs.has(folderOf(manifest))) continue;
    for (const added of manifestAdditions(context, manifest)) {
      const refused = refusedName(added.name);
      if (refused !== undefined)
        throw new InputError(
          `line ${added.line ?? 1}: the dependency "${escapeName(added.name)}" is not a package name npm would install (${refused})`,
          manifest,
        );
      names.add(`${added.name}@${added.spec}`, { uri: manifest, line: added.line ?? 1 });
    }
  }
}

function manifestAdditions(context: StepContext, manifest: string): AddedDependency[] {
  const { change, notices } = context;
  const partial = change.hunksOnly(manifest);
  if (partial) {
    const { added, undetermined } = addedDependencyLines(partial.hunks);
    const [first] = undetermined;
    if (first) {
      throw new InputError(
        `line ${first.line} adds "${first.key}": "${first.value}", but the diff does not show which block it is in and the working tree holds no copy of the file that matches the diff; run review where the change is checked out, or give the diff the whole file as context (git diff -U99999)`,
        manifest,
      );
    }
    return added;
  }
  const headText = change.read(manifest, 'head');
  if (headText === undefined) return [];
  const head = parseObject(headText);
  if (head === undefined) {
    notices.push({ file: manifest, message: 'is not valid JSON: its dependencies were not checked (npm cannot install from it either)' });
    return [];
  }
  const baseText = change.read(manifest, 'base');
  // A base that does not parse declared nothing that counts: every dependency at head is judged.
  return addedDependencies(baseText === undefined ? undefined : parseObject(baseText), head, headText);
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
