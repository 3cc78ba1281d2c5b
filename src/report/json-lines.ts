/**
 * Line numbers (1-based) of the object-valued keys in a JSON text, by key path joined with '/' escaped as
 * JSON pointer tokens. One pass, no parse tree: SARIF needs to point at `"node_modules/x": {` in a lockfile.
 */
export function objectKeyLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  const path: string[] = [];
  // For each open container: is it an object, and has the current member's key been pushed onto `path`?
  const stack: { object: boolean; keyed: boolean }[] = [];
  let line = 1;
  let pendingKey: string | undefined;
  let pendingLine = 0;
  // By char code, and a string's end found with indexOf: a 2,000-package lockfile is megabytes, read per finding report.
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (char === NEWLINE) line++;
    else if (char === QUOTE) {
      const start = index + 1;
      let end = text.indexOf('"', start);
      // A quote preceded by an odd run of backslashes is inside the string.
      while (end !== -1 && isEscaped(text, end, start)) end = text.indexOf('"', end + 1);
      if (end === -1) end = text.length;
      const top = stack[stack.length - 1];
      if (top?.object && !top.keyed && pendingKey === undefined) {
        const raw = text.slice(start, end);
        pendingKey = raw.includes('\\') ? decode(raw) : raw;
        pendingLine = line;
      }
      index = end;
    } else if (char === COLON) {
      const top = stack[stack.length - 1];
      if (top && pendingKey !== undefined) {
        path.push(pointerToken(pendingKey));
        top.keyed = true;
        if (nextSignificant(text, index + 1) === '{') lines.set(path.join('/'), pendingLine);
        pendingKey = undefined;
      }
    } else if (char === OPEN_BRACE || char === OPEN_BRACKET) {
      stack.push({ object: char === OPEN_BRACE, keyed: false });
    } else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) {
      endMember(stack, path); // the closing object's last member has no comma after it
      stack.pop();
      endMember(stack, path);
    } else if (char === COMMA) {
      endMember(stack, path);
    }
  }
  return lines;
}

const NEWLINE = 10;
const QUOTE = 34;
const COLON = 58;
const COMMA = 44;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;

/** Whether the quote at `at` follows an odd number of backslashes (after `from`): an escaped quote. */
function isEscaped(text: string, at: number, from: number): boolean {
  let count = 0;
  for (let index = at - 1; index >= from && text.charCodeAt(index) === 92; index--) count++;
  return count % 2 === 1;
}

/** A value ended: the enclosing object's member is complete, so its key leaves the path. */
function endMember(stack: { object: boolean; keyed: boolean }[], path: string[]): void {
  const top = stack[stack.length - 1];
  if (top?.object && top.keyed) {
    path.pop();
    top.keyed = false;
  }
}

function nextSignificant(text: string, from: number): string | undefined {
  for (let index = from; index < text.length; index++) {
    const char = text[index]!;
    if (char !== ' ' && char !== '\n' && char !== '\r' && char !== '\t') return char;
  }
  return undefined;
}

function decode(raw: string): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

export const pointerToken = (key: string): string => (key.includes('~') || key.includes('/') ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key);
