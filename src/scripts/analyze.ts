/**
 * What a package's install scripts do: each script read as shell, the files it hands to an interpreter read as
 * JavaScript (or shell), and the local files those load, followed within bounds. Pure: files come through the
 * `read` callback, so the tarball reader (src/registry/facts.ts) or a test supplies them.
 */
import type { ScriptSignal } from '../findings/model.js';
import { SignalSet, excerptAt, joinPath } from './evidence.js';
import { analyzeJavaScript, scanLexically } from './javascript.js';
import { analyzeShell, type ScriptReference } from './shell.js';

/** A package file as the reader found it: its text (possibly cut at the reader's limit) and its full size. */
export interface PackageFile {
  readonly text: string;
  readonly bytes: number;
  /** The reader cut the text short. */
  readonly truncated?: boolean;
}

/** What the analysis found: the files it read and the signals, with evidence. Plain JSON, so it can be cached. */
export interface ScriptAnalysis {
  readonly files: readonly { path: string; bytes: number }[];
  readonly signals: readonly ScriptSignal[];
  /** Files a script names that are not in the package, and limits reached: what was not read. */
  readonly unread: readonly string[];
}

export const LIMITS = {
  /** Script → file → require → require: how far loads are followed. */
  depth: 4,
  files: 40,
  /** Total text parsed across files. */
  bytes: 4 * 1024 * 1024,
  /** Larger files are scanned as text, not parsed: a multi-megabyte bundle is itself the signal. */
  parseBytes: 1024 * 1024,
} as const;

/** Bigger than this, a file run at install is reported as a bundle. */
const LARGE_BUNDLE = 1024 * 1024;

const JAVASCRIPT_RUNTIMES = /^(?:node|nodejs|bun|deno|tsx|ts-node)$/;
const SHELL_RUNTIMES = /^(?:sh|bash|zsh|dash)$/;

export function analyzeInstallScripts(
  scripts: readonly (readonly [name: string, text: string])[],
  read: (path: string) => PackageFile | undefined,
): ScriptAnalysis {
  const signals = new SignalSet();
  const files: { path: string; bytes: number }[] = [];
  const unread: string[] = [];
  const seen = new Set<string>();
  let budget: number = LIMITS.bytes;
  let beyondLimits = 0;
  const queue: { path: string; runtime: string; depth: number }[] = [];

  const enqueueRefs = (refs: readonly ScriptReference[], origin: string, fromDir: string, depth: number) => {
    for (const ref of refs) {
      if (ref.kind === 'inline') {
        const result = analyzeJavaScript(ref.value, origin, signals, ref.line - 1);
        for (const spec of result.requires) queue.push({ path: joinPath(fromDir, spec), runtime: 'node', depth: depth + 1 });
        enqueueRefs(result.commands, origin, fromDir, depth + 1);
      } else {
        queue.push({ path: joinPath('', ref.value), runtime: ref.runtime, depth: depth + 1 });
      }
    }
  };

  for (const [name, text] of scripts) {
    const origin = `package.json#scripts.${name}`;
    enqueueRefs(analyzeShell(text, origin, signals), origin, '', 0);
  }

  while (queue.length) {
    const next = queue.shift()!;
    if (next.path.startsWith('../') || next.path.startsWith('/')) continue;
    if (next.path === '' || /\.(?:json|node|wasm)$/.test(next.path)) continue;
    const found = resolveFile(next.path, read);
    if (found === 'data') continue;
    if (!found) {
      if (!unread.includes(next.path)) unread.push(next.path);
      continue;
    }
    const [path, file] = found;
    if (seen.has(path)) continue;
    seen.add(path);
    if (files.length >= LIMITS.files || next.depth > LIMITS.depth || budget <= 0) {
      beyondLimits++;
      continue;
    }
    files.push({ path, bytes: file.bytes });
    budget -= Math.min(file.text.length, LIMITS.parseBytes);
    if (file.bytes > LARGE_BUNDLE) signals.add('large-bundle', path, 1, `${(file.bytes / 1024 / 1024).toFixed(1)} MB: ${excerptAt(file.text, 1)}`);
    if (SHELL_RUNTIMES.test(next.runtime) || /\.(?:sh|bash)$/.test(path)) {
      enqueueRefs(analyzeShell(file.text, path, signals), path, '', next.depth);
    } else if (!JAVASCRIPT_RUNTIMES.test(next.runtime) || file.text.length > LIMITS.parseBytes || file.truncated) {
      scanLexically(file.text, path, signals);
    } else {
      const result = analyzeJavaScript(file.text.replace(/^#!.*/, ''), path, signals);
      const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
      for (const spec of result.requires) queue.push({ path: joinPath(dir, spec), runtime: 'node', depth: next.depth + 1 });
      enqueueRefs(result.commands, path, '', next.depth);
    }
  }
  if (beyondLimits)
    unread.push(`${beyondLimits} more file${beyondLimits === 1 ? '' : 's'} beyond the analysis limits (depth ${LIMITS.depth}, ${LIMITS.files} files)`);
  return { files, signals: signals.all, unread };
}

/** Node's resolution of a relative path inside the package: the file, with an extension, or a folder's index. */
function resolveFile(path: string, read: (path: string) => PackageFile | undefined): [string, PackageFile] | 'data' | undefined {
  for (const candidate of [
    path,
    `${path}.js`,
    `${path}.cjs`,
    `${path}.mjs`,
    `${path}.json`,
    `${path}.node`,
    `${path}/index.js`,
    `${path}/index.cjs`,
    `${path}/index.mjs`,
  ]) {
    const file = read(candidate);
    if (!file) continue;
    // JSON and native addons are data to this analysis (a .node addon is judged by the build that made it).
    return /\.(?:json|node)$/.test(candidate) ? 'data' : [candidate, file];
  }
  return undefined;
}
