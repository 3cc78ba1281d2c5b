import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { semver } from '../cjs.js';
import type { DependencyTree, PatchReference } from './model.js';

/** A patch as pnpm's and bun's `patchedDependencies` name it: `name@version`, `name@range` or `name`, and its file. */
export interface SelectedPatch {
  readonly selector: string;
  /** The file as written; undefined when the lockfile records only its hash (pnpm 10) and nothing declares it. */
  readonly file: string | undefined;
  readonly hash?: string | undefined;
}

/**
 * The packages each `patchedDependencies` entry patches, chosen as pnpm and bun choose them: by name, and by exact
 * version or range when the selector has one. An entry that patches nothing is still listed (no locations), so its
 * file is still judged.
 */
export function selectedPatches(tree: DependencyTree, entries: readonly SelectedPatch[]): PatchReference[] {
  return entries.map(({ selector, file, hash }) => {
    const at = selector.indexOf('@', 1);
    const name = at === -1 ? selector : selector.slice(0, at);
    const range = at === -1 ? undefined : selector.slice(at + 1);
    const locations: string[] = [];
    for (const node of tree.nodes.values()) {
      if (node.isRoot || node.isLink || node.isWorkspace || node.isLinkTarget || node.name !== name) continue;
      if (range !== undefined && (node.version === undefined || (node.version !== range && !safeSatisfies(node.version, range)))) continue;
      locations.push(node.location);
    }
    return { file: file ?? '', path: file === undefined ? '' : projectPath(file, ''), locations, hash };
  });
}

function safeSatisfies(version: string, range: string): boolean {
  try {
    return semver.satisfies(version, range);
  } catch {
    return false;
  }
}

/**
 * The patch files of a yarn berry `patch:` reference (`patch:<inner>#<file>&<file>::version=…&hash=…&locator=<workspace>`):
 * `~/` is the project's root, a relative path is relative to the workspace of `locator` (the root without one).
 * yarn's own patches (`builtin<compat/…>`, `~builtin<…>`, `optional!builtin<…>`) are part of yarn, not project code:
 * left out. The locator's `hash` comes with the file when it is the locator's only patch: yarn hashes all of a
 * locator's patches together, builtins included, whose text only yarn holds (see berry-patch-hash.ts).
 */
export function berryPatchFiles(reference: string): { file: string; path: string; hash?: string }[] {
  const params = reference.includes('::') ? new URLSearchParams(reference.slice(reference.indexOf('::') + 2)) : undefined;
  const bare = reference.replace(/::.*$/, '');
  const hash = bare.indexOf('#');
  if (!bare.startsWith('patch:') || hash === -1) return [];
  const workspace = /@workspace:(.*)$/.exec(params?.get('locator') ?? '')?.[1] ?? '';
  const all = safeDecode(bare.slice(hash + 1)).split('&');
  const recorded = all.length === 1 ? (params?.get('hash') ?? undefined) : undefined;
  return all
    .map((file) => file.replace(/^optional!/, ''))
    .filter((file) => file !== '' && !/^~?builtin</.test(file))
    .map((file) => ({
      file,
      path: file.startsWith('~/') ? projectPath(file.slice(2), '') : projectPath(file, workspace === '.' ? '' : workspace),
      ...(recorded === undefined ? {} : { hash: recorded }),
    }));
}

/** A path as the manager reads it, relative to the project (a `../` that leaves it, or an absolute path, stays as written). */
function projectPath(file: string, base: string): string {
  return isAbsolutePath(file) ? file : posix.normalize(posix.join(base, file));
}

const isAbsolutePath = (file: string): boolean => posix.isAbsolute(file) || /^(?:[a-z]:)?[\\/]/i.test(file);

/** A patch path (as projectPath gives it) that leaves the project: the manager would read a file the project does not hold. */
export const isOutsideProject = (path: string): boolean => isAbsolutePath(path) || path === '..' || path.startsWith('../');

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Whether a pnpm lockfile's patch hash is that of the patch text, when its scheme is known. Measured: pnpm 7, 8 and 9
 * write the base32 of the file's md5 (26 characters). Read in pnpm's source, not measured: pnpm 10 writes its sha256
 * in hex (createHexHashFromFile), taken here with or without Windows line ends. Undefined: another scheme.
 */
export function pnpmPatchHashMatches(hash: string, text: string): boolean | undefined {
  if (/^[a-z2-7]{26}$/.test(hash)) return base32(createHash('md5').update(text).digest()) === hash;
  const sha256 = (content: string): string => createHash('sha256').update(content).digest('hex');
  if (/^[0-9a-f]{64}$/.test(hash)) return sha256(text) === hash || sha256(text.replaceAll('\r\n', '\n')) === hash;
  return undefined;
}

/** RFC 4648 base32, lower case, unpadded: pnpm's createBase32Hash. */
function base32(bytes: Uint8Array): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return bits > 0 ? out + alphabet[(value << (5 - bits)) & 31] : out;
}
