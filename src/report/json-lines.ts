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
  let pendingKey: { key: string; line: number } | undefined;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === '\n') line++;
    else if (char === '"') {
      let end = index + 1;
      let raw = '';
      while (end < text.length && text[end] !== '"') {
        if (text[end] === '\\') {
          raw += text.slice(end, end + 2);
          end += 2;
        } else raw += text[end++];
      }
      const top = stack[stack.length - 1];
      if (top?.object && !top.keyed && pendingKey === undefined) pendingKey = { key: decode(raw), line };
      index = end;
    } else if (char === ':') {
      const top = stack[stack.length - 1];
      if (top && pendingKey) {
        path.push(pointerToken(pendingKey.key));
        top.keyed = true;
        const next = nextSignificant(text, index + 1);
        if (next === '{') lines.set(path.join('/'), pendingKey.line);
        pendingKey = undefined;
      }
    } else if (char === '{' || char === '[') {
      stack.push({ object: char === '{', keyed: false });
    } else if (char === '}' || char === ']') {
      endMember(stack, path); // the closing object's last member has no comma after it
      stack.pop();
      endMember(stack, path);
    } else if (char === ',') {
      endMember(stack, path);
    }
  }
  return lines;
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

export const pointerToken = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');
