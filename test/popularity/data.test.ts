import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadNameIndex } from '../../src/popularity/load.js';
import { ROOT } from '../support/paths.js';

describe('the committed data files', () => {
  const index = loadNameIndex();

  it('stay under 10 MB together', () => {
    const dir = join(ROOT, 'data');
    const total = readdirSync(dir).reduce((sum, file) => sum + statSync(join(dir, file)).size, 0);
    expect(total).toBeLessThan(10_000_000);
  });

  it('record their source, date and cut-offs', () => {
    expect(index.meta).toMatchObject({ source: 'download-counts', popularMin: 10_000, targetMin: 100_000 });
    expect(index.meta.countsDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(index.meta.registeredNames).toBeGreaterThan(3_000_000);
    expect(index.meta.bloom.falsePositiveRate).toBeLessThan(0.02);
  });

  it('know popular names with their counts, and hold them as registered', () => {
    for (const name of ['lodash', 'react', '@types/node', 'cross-env', 'semver']) {
      expect(index.downloads(name)).toBeGreaterThan(1_000_000);
      expect(index.isRegistered(name)).toBe(true);
    }
    expect(index.downloads('react-native-utils-helper-for-depwarden-tests')).toBeUndefined();
    expect(index.isRegistered('react-native-utils-helper-for-depwarden-tests')).toBe(false);
  });
});
