import { Shape, shown, type JsonRecord } from './shape.js';

/**
 * Deeper than any tree npm can install (each level adds `node_modules/<name>/` to a path the file system caps at
 * a few thousand bytes), far below the depth at which arborist's recursive loader overflows the stack.
 */
export const MAX_V1_NESTING = 1000;

/**
 * Lockfile v1 trees are loaded by arborist, which trusts their shape: a number as `resolved`, `null` as an entry
 * or `false` in `requires` crash it. So the whole `dependencies` tree is checked first, with a work list instead
 * of recursion (nesting is attacker-controlled), and each fault names its key path. Returns the `file:` folders
 * the entries link to: arborist reads their package.json, which the caller must check is a file it can read.
 */
export function validateLockfileV1(lockfile: JsonRecord, file: string): string[] {
  const shape: Shape = new Shape(file);
  const folders: string[] = [];
  const work: { dependencies: unknown; where: string; depth: number }[] = [{ dependencies: lockfile.dependencies ?? {}, where: '"dependencies"', depth: 1 }];
  for (let item = work.pop(); item; item = work.pop()) {
    const { dependencies, where, depth } = item;
    for (const [name, value] of Object.entries(shape.record(dependencies, where))) {
      const at = `${where}["${shown(name)}"]`;
      shape.packageName(name, where);
      const entry = shape.record(value, at);
      for (const key of ['version', 'resolved', 'integrity', 'from'] as const) shape.optionalString(entry[key], `${at}.${key}`);
      for (const key of ['dev', 'optional', 'bundled'] as const) shape.optionalBoolean(entry[key], `${at}.${key}`);
      shape.specMap(entry.requires, `${at}.requires`);
      for (const value of [entry.version, entry.resolved]) {
        if (typeof value === 'string' && /^file:/i.test(value) && !/\.(?:tgz|tar\.gz|tar)$/i.test(value)) folders.push(value.slice('file:'.length));
      }
      if (entry.dependencies === undefined) continue;
      if (depth >= MAX_V1_NESTING) {
        // The key path itself would be tens of kilobytes: name where it starts.
        shape.fail(`${at.slice(0, at.indexOf(']') + 1)} nests "dependencies" more than ${MAX_V1_NESTING} levels deep, deeper than npm can install`);
      }
      work.push({ dependencies: entry.dependencies, where: `${at}.dependencies`, depth: depth + 1 });
    }
  }
  return folders;
}
