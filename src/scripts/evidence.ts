import type { ScriptSignal, ScriptSignalKind } from '../findings/model.js';

const MAX_EXCERPT = 160;

/** The line of `text` at a 1-based line number, trimmed and cut around `column` so evidence stays readable. */
export function excerptAt(text: string, line: number, column = 0): string {
  const lines = text.split('\n');
  const raw = (lines[line - 1] ?? '').replace(/\s+$/, '');
  const indent = raw.length - raw.trimStart().length;
  const trimmed = raw.trimStart();
  if (trimmed.length <= MAX_EXCERPT) return trimmed;
  const start = Math.max(0, Math.min(column - indent - 40, trimmed.length - MAX_EXCERPT));
  return `${start > 0 ? '…' : ''}${trimmed.slice(start, start + MAX_EXCERPT)}…`;
}

/** The 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) line++;
  return line;
}

/** Collects signals, one per kind, file and line. */
export class SignalSet {
  private readonly byKey = new Map<string, ScriptSignal>();

  add(kind: ScriptSignalKind, file: string, line: number, excerpt: string, host?: string): void {
    const key = `${kind}\u0000${file}\u0000${line}\u0000${host ?? ''}`;
    if (!this.byKey.has(key)) this.byKey.set(key, host === undefined ? { kind, file, line, excerpt } : { kind, file, line, excerpt, host });
  }

  has(kind: ScriptSignalKind): boolean {
    return [...this.byKey.values()].some((signal) => signal.kind === kind);
  }

  get all(): ScriptSignal[] {
    return [...this.byKey.values()];
  }
}

/** Joins and normalises a package-relative path (`a/b` + `../c` → `a/c`); a path leaving the package keeps its `../`. */
export function joinPath(dir: string, spec: string): string {
  if (spec.startsWith('/')) return spec;
  const parts: string[] = [];
  for (const part of `${dir}/${spec}`.replaceAll('\\', '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0 || parts[parts.length - 1] === '..') parts.push('..');
      else parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}
