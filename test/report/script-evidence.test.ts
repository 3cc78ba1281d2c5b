import { readFileSync } from 'node:fs';
import AjvDraft04 from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/model.js';
import { renderGithub } from '../../src/report/github.js';
import { renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderSarif } from '../../src/report/sarif.js';
import { renderText } from '../../src/report/text.js';
import type { ReportInput } from '../../src/report/types.js';
import { fixtureReport } from '../support/check.js';

const SARIF_SCHEMA = JSON.parse(readFileSync(new URL('../fixtures/sarif/sarif-2.1.0-rtm.5.json', import.meta.url), 'utf8'));

/** The risky fixture's report with one install-script finding whose evidence carries hostile text. */
async function withScriptFinding(): Promise<ReportInput> {
  const input = await fixtureReport('risky/app');
  const finding: Finding = {
    rule: 'install-script',
    severity: 'critical',
    package: { name: 'dw-core', version: '2.0.0', location: 'node_modules/dw-core', alias: undefined },
    path: ['dw-core'],
    detail: {
      code: 'install-script',
      scripts: [{ name: 'postinstall', text: 'node setup.js' }],
      files: [{ path: 'setup.js', bytes: 120 }],
      signals: [
        { kind: 'network', file: 'setup.js', line: 7, excerpt: "https.get('https://c.example.test/')", host: 'c.example.test' },
        { kind: 'decode-then-execute', file: 'setup.js', line: 3, excerpt: 'exec(atob(x)) // \u001b[2J\u202e::add-mask::x' },
      ],
      filesFault: undefined,
    },
  };
  return { ...input, result: { ...input.result, findings: [finding] }, failing: [finding] };
}

describe('install-script evidence in every format', () => {
  it('text: indented lines under the finding, gravest first, escaped', async () => {
    const text = renderText(await withScriptFinding(), { color: false });
    const lines = text.split('\n');
    const start = lines.findIndex((line) => line.includes('[install-script]'));
    expect(lines[start + 1]).toBe('    runs at install: postinstall: node setup.js; reads setup.js; it decodes data and runs it, contacts the network');
    expect(lines[start + 2]).toMatch(/^ {6}setup\.js:3 decodes data and runs it: exec\(atob\(x\)\) \/\/ /);
    expect(lines[start + 3]).toBe("      setup.js:7 contacts the network (c.example.test): https.get('https://c.example.test/')");
    expect(text).not.toMatch(/[\u001b\u202e]/u);
    expect(lines.filter((line) => line.trimStart().startsWith('::'))).toEqual([]);
  });

  it('json: the signals with file, line and excerpt', async () => {
    const json = JSON.parse(renderJson(await withScriptFinding()));
    expect(json.findings[0].details.signals).toContainEqual({
      kind: 'decode-then-execute',
      file: 'setup.js',
      line: 3,
      excerpt: expect.stringContaining('exec(atob(x))'),
    });
    expect(renderJson(await withScriptFinding())).not.toMatch(/[\u001b\u202e]/u);
  });

  it('sarif: related locations inside the package and an evidence property bag, still valid SARIF', async () => {
    const sarif = JSON.parse(renderSarif(await withScriptFinding()));
    const validate = new AjvDraft04.default({ strict: false, validateFormats: false, unicodeRegExp: false }).compile(SARIF_SCHEMA);
    expect(validate(sarif)).toBe(true);
    const [result] = sarif.runs[0].results;
    expect(result.relatedLocations[0]).toMatchObject({
      id: 1,
      // Relative to the root, as the lockfile's own URI: the package folder inside the project.
      physicalLocation: { artifactLocation: { uri: 'risky/app/node_modules/dw-core/setup.js', uriBaseId: '%SRCROOT%' }, region: { startLine: 3 } },
      message: { text: expect.stringContaining('decodes data and runs it') },
    });
    expect(
      result.relatedLocations.map((location: { physicalLocation: { region: { startLine: number } } }) => location.physicalLocation.region.startLine),
    ).toEqual([3, 7]);
    expect(result.properties.evidence).toContainEqual({
      kind: 'network',
      file: 'setup.js',
      line: 7,
      excerpt: "https.get('https://c.example.test/')",
      host: 'c.example.test',
    });
  });

  it('markdown and github: the evidence lines the fix points at are shown there too', async () => {
    const input = await withScriptFinding();
    const row = renderMarkdown(input)
      .split('\n')
      .find((line) => line.includes('install-script'))!;
    expect(row).toContain('. Evidence: `setup.js:3 decodes data and runs it: exec(atob(x)) // ');
    expect(row).toContain("`setup.js:7 contacts the network (c.example.test): https.get('https://c.example.test/')` | read the evidence lines;");
    const [annotation, ...rest] = renderGithub(input).trimEnd().split('\n');
    expect(rest).toEqual([]);
    expect(annotation).toContain('Fix: read the evidence lines; ');
    expect(annotation).toMatch(/%0Asetup\.js:3 decodes data and runs it: exec\(atob\(x\)\) \/\/ .*%0Asetup\.js:7 contacts the network/);
    expect(annotation).not.toMatch(/[\u001b\u202e]/u);
  });
});
