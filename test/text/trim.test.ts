import { describe, expect, it } from 'vitest';
import { trimLine } from '../../src/text/trim.js';

describe('trimLine', () => {
  it('drops ASCII blanks and line ends at either end, as the pattern alone would, and keeps Unicode spaces', () => {
    const texts = [
      '',
      ' ',
      'lodash',
      ' lodash',
      'lodash ',
      '\tlodash\r',
      'lodash\r\n',
      '\v\flodash',
      'lo dash',
      '\u00a0lodash',
      'lodash\u3000',
      '\ufefflodash',
      ' \u00a0 ',
    ];
    for (const text of texts) expect(trimLine(text)).toBe(text.replace(/^[\t\n\v\f\r ]+|[\t\n\v\f\r ]+$/g, ''));
    expect(trimLine('\tlodash\r')).toBe('lodash');
    expect(trimLine('\u00a0lodash')).toBe('\u00a0lodash');
  });
});
