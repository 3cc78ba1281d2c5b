import { describe, expect, it } from 'vitest';
import { nearMissName } from '../../src/rules/near-miss-name.js';
import { contextOf, findingsIn, findingsOf, lockTree, messageOf, published, registryEntry, withFacts } from '../support/tree.js';

describe('near-miss-name', () => {
  const tree = lockTree(
    {
      'node_modules/a': registryEntry('a-lib-that-is-fine', '1.0.0', { name: 'a-lib-that-is-fine', dependencies: { lodahs: '^1' } }),
      'node_modules/lodahs': registryEntry('lodahs', '1.0.0'),
      'node_modules/a/node_modules/lodahs': registryEntry('lodahs', '1.0.0'),
      'node_modules/crossenv': registryEntry('crossenv', '1.0.0'),
      'node_modules/react-dom': registryEntry('react-dom', '18.0.0'),
      'node_modules/uid': registryEntry('uid', '2.0.0'),
      'node_modules/my-lodash': { ...registryEntry('lodash', '4.17.21'), name: 'lodash' },
    },
    { dependencies: { a: 'npm:a-lib-that-is-fine@1', lodahs: '^1', crossenv: '^1', 'react-dom': '^18', uid: '^2', 'my-lodash': 'npm:lodash@4' } },
  );

  it('flags each squat name once, at its first location, and never legitimate popular names', () => {
    expect(findingsOf(nearMissName, tree)).toEqual([
      { location: 'node_modules/crossenv', code: 'near-miss-name', severity: 'medium' },
      { location: 'node_modules/lodahs', code: 'near-miss-name', severity: 'high' },
    ]);
  });

  it("reports a look-alike in the target's own scope low, even when the project declares it", () => {
    const siblings = lockTree(
      {
        'node_modules/@aws-sdk/client-connectcampaignsv2': registryEntry('@aws-sdk/client-connectcampaignsv2', '3.700.0'),
        'node_modules/@aws-skd/client-s3': registryEntry('@aws-skd/client-s3', '3.700.0'),
      },
      { dependencies: { '@aws-sdk/client-connectcampaignsv2': '^3', '@aws-skd/client-s3': '^3' } },
    );
    expect(findingsOf(nearMissName, siblings)).toEqual([
      { location: 'node_modules/@aws-sdk/client-connectcampaignsv2', code: 'near-miss-name', severity: 'low' },
      { location: 'node_modules/@aws-skd/client-s3', code: 'near-miss-name', severity: 'high' },
    ]);
  });

  it('judges the real name of an alias, not the name it is installed under', () => {
    const aliased = lockTree({ 'node_modules/lodash': { ...registryEntry('lodahs', '1.0.0'), name: 'lodahs' } }, { dependencies: { lodash: 'npm:lodahs@1' } });
    expect(findingsOf(nearMissName, aliased)).toEqual([{ location: 'node_modules/lodash', code: 'near-miss-name', severity: 'high' }]);
  });

  it('explains with both names and both popularity figures', () => {
    const crossenv = nearMissName.check(contextOf(tree)).find((finding) => finding.node.name === 'crossenv')!;
    expect(crossenv.detail).toMatchObject({ code: 'near-miss-name', target: 'cross-env', family: 'delimiter', popularMin: 10_000 });
    const detail = crossenv.detail as { downloads: number; targetDownloads: number };
    expect(detail.targetDownloads).toBeGreaterThan(100 * detail.downloads);
  });

  describe('calibrated by who declares the name', () => {
    // expresss, axois, lodahs: squats the index rates high. debug and semver are established packages; dw-obscure is not.
    const declared = lockTree(
      {
        'node_modules/debug': registryEntry('debug', '4.4.0', { dependencies: { expresss: '^1', axois: '^1' } }),
        'node_modules/semver': registryEntry('semver', '7.7.0', { dependencies: { axois: '^1' } }),
        'node_modules/dw-obscure': registryEntry('dw-obscure', '1.0.0', { dependencies: { lodahs: '^1' } }),
        'node_modules/expresss': registryEntry('expresss', '1.0.0'),
        'node_modules/axois': registryEntry('axois', '1.0.0'),
        'node_modules/lodahs': registryEntry('lodahs', '1.0.0'),
        'node_modules/chokdazr': registryEntry('chokdazr', '1.0.0'),
        'node_modules/semver/node_modules/chokdazr': registryEntry('chokdazr', '1.0.0'),
      },
      { dependencies: { debug: '^4', semver: '^7', 'dw-obscure': '^1', chokdazr: '^1' } },
    );
    const previous = (dependencies: Record<string, string>) => ({ previous: { version: '0.0.1', manifest: { dependencies } } });

    it('one step lower when only established packages declare it, two when they did in their previous release too; never for the project or an obscure declarer', () => {
      expect(findingsOf(nearMissName, declared)).toEqual([
        { location: 'node_modules/axois', code: 'near-miss-name', severity: 'medium' },
        { location: 'node_modules/chokdazr', code: 'near-miss-name', severity: 'medium' },
        { location: 'node_modules/expresss', code: 'near-miss-name', severity: 'medium' },
        { location: 'node_modules/lodahs', code: 'near-miss-name', severity: 'high' },
      ]);
      const withHistory = withFacts(declared, {
        'node_modules/debug': published('4.4.0', { dependencies: { expresss: '^1', axois: '^1' } }, previous({ expresss: '^1', axois: '^1' })),
        'node_modules/semver': published('7.7.0', { dependencies: { axois: '^1' } }, previous({})),
      });
      expect(findingsIn(nearMissName, withHistory)).toEqual([
        { location: 'node_modules/axois', code: 'near-miss-name', severity: 'medium' },
        { location: 'node_modules/chokdazr', code: 'near-miss-name', severity: 'medium' },
        { location: 'node_modules/expresss', code: 'near-miss-name', severity: 'low' },
        { location: 'node_modules/lodahs', code: 'near-miss-name', severity: 'high' },
      ]);
      const expresss = nearMissName.check(withHistory).find((finding) => finding.node.name === 'expresss')!;
      expect(messageOf(nearMissName, expresss.detail)).toMatch(/; declared by established packages \(debug\), so reported lower$/);
    });

    it('a scope move of the same project is a look, not an alarm: low under the scope, one step lower outside it', () => {
      const moved = lockTree(
        {
          'node_modules/@turbo/linux-64': registryEntry('@turbo/linux-64', '2.0.0'),
          'node_modules/sentry-cli-linux-x64': registryEntry('sentry-cli-linux-x64', '2.0.0'),
          'node_modules/babelcli': registryEntry('babelcli', '1.0.0'),
        },
        { dependencies: { '@turbo/linux-64': '^2', 'sentry-cli-linux-x64': '^2', babelcli: '^1' } },
      );
      expect(findingsOf(nearMissName, moved)).toEqual([
        { location: 'node_modules/@turbo/linux-64', code: 'near-miss-name', severity: 'low' },
        { location: 'node_modules/babelcli', code: 'near-miss-name', severity: 'high' },
        { location: 'node_modules/sentry-cli-linux-x64', code: 'near-miss-name', severity: 'medium' },
      ]);
      const turbo = nearMissName.check(contextOf(moved)).find((finding) => finding.node.name === '@turbo/linux-64')!;
      expect(turbo.detail).toMatchObject({ target: 'turbo-linux-64', scopeMove: true, vouchedBy: [] });
    });
  });
});
