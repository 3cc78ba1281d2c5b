import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadNameIndex } from '../../src/popularity/load.js';
import { findNearMiss } from '../../src/popularity/near-miss.js';
import { FIXTURES } from '../support/paths.js';

const index = loadNameIndex();
const rows = (file: string): [string, string][] =>
  readFileSync(join(FIXTURES, 'names', file), 'utf8')
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => line.split('\t') as [string, string]);
const pairs = rows('legit-pairs.tsv');

describe('findNearMiss against the committed index', () => {
  it.each([
    ['expresss', 'express', 'high'],
    ['lodahs', 'lodash', 'high'],
    ['crossenv', 'cross-env', 'medium'], // a known squat name, kept registered by npm with ~10k downloads
    ['axois', 'axios', 'high'],
    ['@typse/node', '@types/node', 'high'],
    ['unused-imports', 'eslint-plugin-unused-imports', 'medium'],
    ['lodash-js', 'lodash', 'medium'],
    ['changcase', 'change-case', 'high'],
    ['colors-3.0', 'colors', 'high'],
    // Two letters changed: reported, not failing by default; squatters' 2022 garbles of popular names.
    ['chokdazr', 'chokidar', 'medium'],
    ['cmmande', 'commander', 'medium'],
    ['strip-json-combmentd', 'strip-json-comments', 'medium'],
    ['rebact-eror-oveflay', 'react-error-overlay', 'medium'],
    ['webpack-3undle-analyr', 'webpack-bundle-analyzer', 'medium'],
    // Two edits leave a six-letter name four of its letters: worth a look only.
    ['bubird', 'bluebird', 'low'],
    ['mogobd', 'mongodb', 'low'],
    // Another scope is how forks are published; the scope names the publisher.
    ['@evil/lodash', 'lodash', 'low'],
  ])('%s looks like %s (%s)', (name, target, severity) => {
    expect(findNearMiss(name, index)).toMatchObject({ target, severity });
  });

  it('names both popularity figures', () => {
    const match = findNearMiss('crossenv', index)!;
    expect(match.downloads).toBeGreaterThan(1000);
    expect(match.targetDownloads).toBeGreaterThan(100 * match.downloads!);
  });

  it.each([['react-dnd'], ['uid'], ['color'], ['colors'], ['react-dom'], ['oxlint'], ['lodash'], ['ms'], ['ws']])(
    '%s is an established package, not a squat',
    (name) => {
      expect(findNearMiss(name, index)).toBeUndefined();
    },
  );

  it(`flags none of the ${pairs.length} legitimate popular pairs`, () => {
    expect(pairs.length).toBeGreaterThanOrEqual(300);
    expect(pairs.filter(([lessPopular, morePopular]) => findNearMiss(lessPopular, index)?.target === morePopular)).toEqual([]);
  });

  it('counts two-letter edits only against targets of a million downloads or more', () => {
    // mathlive: ~540,000 downloads a month; two letters changed in an eight-letter name reach too many others.
    expect(index.downloads('mathlive')).toBeLessThan(1_000_000);
    expect(findNearMiss('qathzive', index)).toBeUndefined();
    expect(findNearMiss('chokdazr', index)?.target).toBe('chokidar');
  });

  it('leaves very short names to structural families only', () => {
    expect(findNearMiss('cxt', index)).toBeUndefined();
  });

  it('takes no one- or two-letter name for its own punctuated variant (`b` beside `b_`)', () => {
    expect(index.downloads('b_')).toBeGreaterThan(100 * (index.downloads('b') ?? 0));
    expect(findNearMiss('b', index)).toBeUndefined();
    // Three letters and more still are: `cross_env` is `cross-env` with its separator changed.
    expect(findNearMiss('cross_env', index)).toMatchObject({ target: 'cross-env', family: 'delimiter' });
  });

  it('takes no two-edit look-alike for a name nearer to a more popular one', () => {
    // `generator` is @babel/generator's bare name (another scope: no finding of the part search), not a slip of `degenerator`.
    expect(findNearMiss('generator', index)).toBeUndefined();
    expect(findNearMiss('react-native-dash', index)).toBeUndefined();
  });

  // The quality bar of `npm run eval`, held by the test suite too: recall on the labelled squats, and the noise
  // a user sees on packages people use.
  it('flags at least 90% of the labelled real squats', () => {
    const squats = rows('squats.tsv');
    expect(squats.length).toBeGreaterThanOrEqual(200);
    const caught = squats.filter(([name]) => findNearMiss(name, index) !== undefined);
    expect(caught.length / squats.length).toBeGreaterThanOrEqual(0.9);
  });

  it('raises medium or high on at most 3% of ordinary packages', () => {
    const ordinary = rows('ordinary-names.tsv').map(([name]) => name);
    const alarms = ordinary.filter((name) => (findNearMiss(name, index)?.severity ?? 'low') !== 'low');
    expect(alarms.length / ordinary.length).toBeLessThanOrEqual(0.03);
  });

  // Legitimate packages from real lockfiles that were flagged too high: scope moves, old small packages.
  const falseAlarms = readFileSync(join(FIXTURES, 'names', 'false-alarms.tsv'), 'utf8')
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => line.split('\t') as [string, string, string]);
  it.each(falseAlarms)('real legitimate package %s (beside %s) is at most %s', (name, target, most) => {
    const match = findNearMiss(name, index);
    expect(match?.target).toBe(target);
    expect(['low', most]).toContain(match!.severity);
  });

  it("is low for a sibling in the target's own scope, which only the scope's owners can publish; another scope keeps its severity", () => {
    // Ordinary packages (test/fixtures/names/ordinary-names.tsv) that were high: one owner's sibling packages.
    expect(findNearMiss('@aws-sdk/client-connectcampaignsv2', index)).toMatchObject({ target: '@aws-sdk/client-connectcampaigns', severity: 'low' });
    expect(findNearMiss('@tamagui/create-themes', index)).toMatchObject({ target: '@tamagui/create-theme', severity: 'low' });
    expect(findNearMiss('@aws-sdk/client-s33', index)).toMatchObject({ target: '@aws-sdk/client-s3', severity: 'low' });
    // The same slips in the scope itself are a stranger's scope: the squat's form.
    expect(findNearMiss('@aws-skd/client-s3', index)).toMatchObject({ target: '@aws-sdk/client-s3', severity: 'high' });
    expect(findNearMiss('@bable/core', index)).toMatchObject({ target: '@babel/core', severity: 'high' });
  });

  it('a scope move is only the same words under the scope named by the other name', () => {
    expect(findNearMiss('@turbo/linux-64', index)).toMatchObject({ target: 'turbo-linux-64', severity: 'low', scopeMove: true });
    // Separators dropped entirely, or letters changed: a squat's forms, not a move.
    expect(findNearMiss('babelcli', index)).toMatchObject({ target: '@babel/cli', severity: 'high', scopeMove: false });
    expect(findNearMiss('@evil/lodash', index)).toMatchObject({ family: 'scope', scopeMove: false });
  });
});
