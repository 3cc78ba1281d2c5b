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

describe('renderers of the risky fixture', () => {
  it('text: grouped by severity, worst first, with chains and fixes', async () => {
    await expect(renderText(await fixtureReport('risky/app'), { color: false })).toMatchFileSnapshot('__snapshots__/risky.txt');
  });

  it('text: colours only when asked', async () => {
    const input = await fixtureReport('risky/app');
    expect(renderText(input, { color: false })).not.toContain('\u001b[');
    expect(renderText(input, { color: true })).toContain('\u001b[1;35mCRITICAL (1)\u001b[0m');
  });

  it('json: the documented shape', async () => {
    const json = renderJson(await fixtureReport('risky/app'));
    await expect(json).toMatchFileSnapshot('__snapshots__/risky.json');
    const report = JSON.parse(json);
    expect(report.findings[0]).toMatchObject({
      rule: 'url-dependency',
      severity: 'critical',
      package: { name: 'dw-payload', version: '1.0.0', location: 'node_modules/dw-payload' },
      path: ['dw-middle', 'dw-phantom', 'dw-payload'],
    });
    const alias = report.findings.find((finding: { rule: string }) => finding.rule === 'alias-dependency');
    expect(alias.package).toEqual({ name: 'dw-core', version: '2.0.0', location: 'node_modules/dw-alias', alias: 'dw-alias' });
    expect(report.summary).toMatchObject({ total: 5, failOn: 'high', failing: 3, bySeverity: { critical: 1, high: 2, medium: 1, low: 1, info: 0 } });
  });

  it('sarif: valid SARIF 2.1.0, each result at its lockfile line', async () => {
    const input = await fixtureReport('risky/app');
    const sarif = JSON.parse(renderSarif(input));
    const validate = new AjvDraft04.default({ strict: false, validateFormats: false, unicodeRegExp: false }).compile(SARIF_SCHEMA);
    const valid = validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    const lines = input.source.text!.split('\n');
    for (const result of sarif.runs[0].results) {
      const { artifactLocation, region } = result.locations[0].physicalLocation;
      expect(artifactLocation).toEqual({ uri: 'risky/app/package-lock.json', uriBaseId: '%SRCROOT%' });
      const location = result.locations[0].logicalLocations[0].fullyQualifiedName;
      expect(lines[region.startLine - 1]).toBe(`    "${location}": {`);
      expect(sarif.runs[0].tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId);
    }
    expect(sarif.runs[0].results.map((result: { level: string }) => result.level)).toEqual(['error', 'error', 'error', 'warning', 'note']);
    expect(sarif.runs[0].originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: input.source.rootUri } });
  });

  it('github annotations, JSON and SARIF place each finding at the same file and line (annotations said line 1)', async () => {
    const input = await fixtureReport('risky/app');
    const sarif = JSON.parse(renderSarif(input)).runs[0].results.map(
      (result: { locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }) =>
        `${result.locations[0]!.physicalLocation.artifactLocation.uri}:${result.locations[0]!.physicalLocation.region.startLine}`,
    );
    const json = JSON.parse(renderJson(input)).findings.map((finding: { at: { uri: string; line: number } }) => `${finding.at.uri}:${finding.at.line}`);
    const github = renderGithub(input)
      .trim()
      .split('\n')
      .map((line) => {
        const [, file, at] = /file=([^,]*),line=(\d+),/.exec(line)!;
        return `${file}:${at}`;
      });
    expect(new Set(sarif).size).toBeGreaterThan(1);
    expect(github).toEqual(sarif);
    expect(json).toEqual(sarif);
  });

  it('sarif: lockfile v1 entries are located in the nested dependencies', async () => {
    const input = await fixtureReport('tampered-v1');
    const [result] = JSON.parse(renderSarif(input)).runs[0].results;
    expect(result.ruleId).toBe('foreign-registry');
    const lines = input.source.text!.split('\n');
    const line = result.locations[0].physicalLocation.region.startLine;
    // The nested "dw-core" under "dw-util", not the top-level one.
    expect(lines[line - 1]).toBe('        "dw-core": {');
    expect(lines.slice(0, line).filter((text) => text.trim() === '"dw-util": {')).toHaveLength(1);
  });
});

/** The risky fixture's findings, rewritten to carry what a hostile lockfile or spec can put into them. */
async function hostileReport(name: string, url: string): Promise<ReportInput> {
  const input = await fixtureReport('risky/app');
  const rewrite = (finding: Finding): Finding =>
    finding.detail.code === 'url-dependency' ? { ...finding, package: { ...finding.package, name }, detail: { ...finding.detail, url } } : finding;
  const findings = input.result.findings.map(rewrite);
  return {
    ...input,
    result: { ...input.result, findings },
    failing: findings.filter((finding) =>
      input.failing.some((failing) => failing.package.location === finding.package.location && failing.rule === finding.rule),
    ),
    notices: [{ file: 'src/x.js', message: 'could not be parsed (see https://u:p4ss@host.example.test/?token=t0k)' }],
  };
}

const RENDERERS = {
  text: (input: ReportInput) => renderText(input, { color: false }),
  json: renderJson,
  sarif: renderSarif,
  markdown: renderMarkdown,
  github: renderGithub,
};

describe('renderers: hostile text is made safe in every format', () => {
  const formats = Object.keys(RENDERERS) as (keyof typeof RENDERERS)[];

  it.each(formats)('%s: credentials in URLs become ***', async (format) => {
    const url = 'https://deploy:s3cret@files.example.test/x.tgz?_authToken=npm_T0KEN&sig=abc123&v=1';
    const output = RENDERERS[format](await hostileReport('dw-payload', url));
    for (const secret of ['s3cret', 'npm_T0KEN', 'abc123', 'p4ss', 't0k']) expect(output).not.toContain(secret);
    expect(output).toContain(format === 'markdown' ? '\\*\\*\\*' : '***');
  });

  it.each(formats)('%s: no bidi control or line separator reaches the output', async (format) => {
    const output = RENDERERS[format](await hostileReport('dw-\u202epayload\u2028x\u2066', 'https://files.example.test/\u2029x.tgz'));
    expect(output).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u2028\u2029]/u);
  });

  it.each(formats)('%s: no line a GitHub runner would read as a workflow command', async (format) => {
    const output = RENDERERS[format](await hostileReport('::add-mask::dw-payload', 'https://files.example.test/##[error]x.tgz'));
    expect(output).not.toContain('##[');
    const commands = output.split('\n').filter((line) => line.trimStart().startsWith('::'));
    // The github format's own annotations are the only commands, one per finding or notice, each well-formed.
    if (format === 'github') expect(commands.every((line) => /^::(error|warning|notice) file=[^:]*::/.test(line) && !line.includes('::add-mask'))).toBe(true);
    else expect(commands).toEqual([]);
  });

  it('text: a package name that is a workflow command is shown escaped', async () => {
    const output = renderText(await hostileReport('::add-mask::dw-payload', 'https://files.example.test/x.tgz'), { color: false });
    expect(output).toContain('  \\x3a:add-mask::dw-payload@1.0.0  [url-dependency]');
  });

  it('markdown: backticks cannot end the code span, and @mentions are code', async () => {
    const output = renderMarkdown(await hostileReport('a`b``c', 'https://files.example.test/x.tgz?from=@octocat @org/team'));
    const row = output.split('\n').find((line) => line.includes('url-dependency'))!;
    expect(row).toContain('| ```a`b``c@1.0.0``` |');
    expect(row).toContain('`@octocat`');
    expect(row).toContain('`@org/team`');
    const why = row.split(' | ')[3]!;
    expect(why.replace(/`[^`]*`/g, '')).not.toMatch(/(?<![\w`])@\w/);
  });
});

describe('renderers: --strict says why it fails', () => {
  const stale = { where: 'allow[0]', package: 'never-installed', rule: 'git-dependency' } as const;
  const withStale = async (strict: boolean): Promise<ReportInput> => {
    const input = await fixtureReport('npm-v3');
    return { ...input, strictFailures: strict ? ['allow[0]'] : undefined, result: { ...input.result, unusedAllows: [stale as never] } };
  };

  it('text: no findings, yet failing: the summary names the entries that matched nothing', async () => {
    const input = await withStale(true);
    expect(input.result.findings).toEqual([]);
    const lines = renderText(input, { color: false }).trimEnd().split('\n');
    expect(lines.at(-1)).toBe('No findings; failing with --strict: policy allow[0] matched nothing.');
    expect(
      renderText(await withStale(false), { color: false })
        .trimEnd()
        .split('\n')
        .at(-1),
    ).toBe('No findings.');
  });

  it('text: findings below the threshold, failing only because of --strict', async () => {
    const input = await fixtureReport('risky/app');
    const below = {
      ...input,
      strictFailures: ['allow[0]', 'allow[2]'],
      failOn: 'critical' as const,
      failing: [],
      result: { ...input.result, unusedAllows: [stale as never, { ...stale, where: 'allow[2]' } as never] },
    };
    expect(renderText(below, { color: false }).trimEnd().split('\n').at(-1)).toBe(
      '5 findings (1 critical, 2 high, 1 medium, 1 low); none at or above critical; failing with --strict: policy allow[0], allow[2] matched nothing.',
    );
  });

  it('markdown: the comment says it too', async () => {
    expect(renderMarkdown(await withStale(true))).toContain('\n\nFailing with --strict: policy allow\\[0\\] matched nothing.\n');
  });
});
