import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { clipLine, MAX_LINE, MAX_WORD } from '../../src/text/clip.js';

describe('clipLine: over-long names and values in one-line messages', () => {
  it('keeps a message whose words are all short as it is', () => {
    const text = `the name "${'n'.repeat(MAX_WORD - 2)}" is refused`;
    expect(clipLine(text)).toBe(text);
  });

  it('shortens each long word to its start and end, saying how much was cut', () => {
    const name = `${'a'.repeat(100_000)}END`;
    const clipped = clipLine(`package "${name}" in "node_modules/${name}" is refused`);
    const shown = `"${'a'.repeat(299)}…(99,555 characters cut)…${'a'.repeat(146)}END"`;
    expect(clipped).toBe(`package ${shown} in "node_modules/${'a'.repeat(286)}…(99,568 characters cut)…${'a'.repeat(146)}END" is refused`);
  });

  it('shortens a long line of short words in its middle', () => {
    const clipped = clipLine(`start ${'ab '.repeat(5000)}end`);
    expect(clipped.length).toBeLessThan(MAX_LINE);
    expect(clipped).toMatch(/^start ab ab .*…\(11,209 characters cut\)….* ab ab end$/u);
  });

  it('never splits a surrogate pair at either cut', () => {
    // Odd offsets: the 300th and the 150th-from-last code units are each the second half of a pair.
    const clipped = clipLine(`x${'😀'.repeat(1000)}z`);
    expect(clipped).toBe(`x${'😀'.repeat(149)}…(1,554 characters cut)…${'😀'.repeat(74)}z`);
  });

  it('InputError shortens its message and its file', () => {
    const error = new InputError(`names "${'x'.repeat(10_000)}"`, `${'d/'.repeat(5_000)}package.json`);
    expect(error.message).toContain('…(9,552 characters cut)…');
    expect(error.file).toMatch(/^(?:d\/)+…\(9,562 characters cut\)….*package\.json$/u);
  });
});
