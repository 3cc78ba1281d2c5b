import type { ScriptSignal } from '../findings/model.js';
import type { DiffFile } from '../text/unified-diff.js';
import { SignalSet } from './evidence.js';
import { analyzeJavaScript } from './javascript.js';
import { analyzeShell } from './shell.js';

const JAVASCRIPT = /\.(?:[cm]?js|[cm]?ts|jsx|tsx)$/i;
const SHELL = /\.(?:sh|bash|cmd|bat|ps1)$/i;
// A quoted string on a line: what code hands to exec (`execSync("curl … | sh")`) is one.
const STRING_LITERAL = /"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|`((?:[^`\\]|\\.)*)`/g;

/**
 * What the lines a patch adds to a package file do, read with the install-script analysis (never run): signals on
 * added lines only. A JavaScript file is read as the patched file's hunks (context and added lines at their lines in
 * the new file, the rest blank), so a `require('child_process')` in the context binds an `execSync` added below it;
 * then each string an added line holds is read as a shell command too, since the binding may sit outside every hunk.
 * Commands alone (`runs-command`) and code that does not parse are not signals of a patch: a hunk is a fragment.
 */
export function analyzePatchedFile(file: Pick<DiffFile, 'path' | 'hunks'>, origin: string): ScriptSignal[] {
  const javascript = JAVASCRIPT.test(file.path);
  if (!javascript && !SHELL.test(file.path)) return [];
  const added = new Set<number>();
  const lines: string[] = [];
  for (const hunk of file.hunks) {
    for (const line of hunk.lines) {
      if (line.newLine === undefined) continue;
      if (line.kind === '+') added.add(line.newLine);
      lines[line.newLine - 1] = line.text;
    }
  }
  if (added.size === 0) return [];
  const text = Array.from(lines, (line) => line ?? '').join('\n');
  const signals = new SignalSet();
  if (javascript) {
    analyzeJavaScript(text, origin, signals);
    for (const line of added) {
      for (const match of lines[line - 1]!.matchAll(STRING_LITERAL)) {
        const command = match[1] ?? match[2] ?? match[3] ?? '';
        if (/\s/.test(command)) analyzeShell(command, origin, signals, line - 1);
      }
    }
  } else {
    analyzeShell(text, origin, signals);
  }
  return signals.all.filter((signal) => added.has(signal.line) && signal.kind !== 'runs-command' && signal.kind !== 'unparsable');
}
