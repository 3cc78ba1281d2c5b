import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import AjvDraft04 from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { renderJson } from '../../src/report/json.js';
import { renderSarif } from '../../src/report/sarif.js';
import { renderText } from '../../src/report/text.js';
import { fixtureReport } from '../support/check.js';

const require = createRequire(import.meta.url);
const SARIF_SCHEMA = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));

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
      expect(artifactLocation.uri).toBe('risky/app/package-lock.json');
      const location = result.locations[0].logicalLocations[0].fullyQualifiedName;
      expect(lines[region.startLine - 1]).toBe(`    "${location}": {`);
      expect(sarif.runs[0].tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId);
    }
    expect(sarif.runs[0].results.map((result: { level: string }) => result.level)).toEqual(['error', 'error', 'error', 'warning', 'note']);
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
