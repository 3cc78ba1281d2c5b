/** The lines a unified diff adds, by file, with their line numbers in the new file. */
export interface DiffFile {
  readonly path: string;
  readonly added: readonly AddedLine[];
  /** Every line of the new side the diff shows (context and added), for finding enclosing blocks. */
  readonly shown: readonly AddedLine[];
}

export interface AddedLine {
  readonly line: number;
  readonly text: string;
  readonly added: boolean;
}

export function parseUnifiedDiff(text: string): DiffFile[] {
  const files: { path: string; added: AddedLine[]; shown: AddedLine[] }[] = [];
  let current: (typeof files)[number] | undefined;
  let line = 0;
  for (const raw of text.split(/\r?\n/)) {
    if (raw.startsWith('+++ ')) {
      const path = raw.slice(4).replace(/^b\//, '').replace(/\t.*$/, '');
      current = path === '/dev/null' ? undefined : { path, added: [], shown: [] };
      if (current) files.push(current);
    } else if (raw.startsWith('@@')) {
      line = Number(/\+(\d+)/.exec(raw)?.[1] ?? 1);
    } else if (!current || raw.startsWith('--- ') || raw.startsWith('diff ') || raw.startsWith('\\')) {
      continue;
    } else if (raw.startsWith('+')) {
      const entry = { line: line++, text: raw.slice(1), added: true };
      current.added.push(entry);
      current.shown.push(entry);
    } else if (raw.startsWith(' ')) {
      current.shown.push({ line: line++, text: raw.slice(1), added: false });
    }
  }
  return files;
}
