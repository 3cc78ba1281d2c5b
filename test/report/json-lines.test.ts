import { describe, expect, it } from 'vitest';
import { objectKeyLines } from '../../src/report/json-lines.js';

describe('objectKeyLines', () => {
  it('records the line of every object-valued key by its path, nested and escaped', () => {
    const text = [
      '{',
      '  "name": "x", "n": 1, "list": [1, {"inner": {}}],',
      '  "packages": {',
      '    "": { "version": "1" },',
      '    "node_modules/@s/a": {',
      '      "deps": { "q\\"uote": "1" }',
      '    },',
      '    "a:b,c{": {}',
      '  }',
      '}',
    ].join('\n');
    expect(Object.fromEntries(objectKeyLines(text))).toEqual({
      packages: 3,
      'packages/': 4,
      'packages/node_modules~1@s~1a': 5,
      'packages/node_modules~1@s~1a/deps': 6,
      'packages/a:b,c{': 8,
      'list/inner': 2,
    });
  });

  it('reads escaped quotes and backslashes inside keys and values, so the strings after them keep their places', () => {
    const text = ['{', '  "a\\\\": { "v": "x\\\\\\"y\\\\" },', '  "b\\"{c": {', '    "d\\u0041": {}', '  },', '  "e": "\\"}{\\"",', '  "f": {}', '}'].join(
      '\n',
    );
    expect(Object.fromEntries(objectKeyLines(text))).toEqual({ 'a\\': 2, 'b"{c': 3, 'b"{c/dA': 4, f: 7 });
  });
});
