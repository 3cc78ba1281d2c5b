import { describe, expect, it } from 'vitest';
import { progressLine } from '../../src/cli/report-options.js';

describe('registry progress on stderr', () => {
  it('stays quiet for the first second, then counts, then clears its line', () => {
    let written = '';
    let clock = 0;
    const progress = progressLine({ stderr: { write: (text: string) => ((written += text), true) } as never }, () => clock);
    progress(1, 3);
    expect(written).toBe('');
    clock = 1500;
    progress(2, 3);
    expect(written).toBe('\rdepwarden: asking the registry: 2/3');
    progress(3, 3);
    expect(written.endsWith('\r\u001b[K')).toBe(true);
  });

  it('says nothing at all when the work ends within the second', () => {
    let written = '';
    const progress = progressLine({ stderr: { write: (text: string) => ((written += text), true) } as never }, () => 0);
    progress(1, 2);
    progress(2, 2);
    expect(written).toBe('');
  });
});
