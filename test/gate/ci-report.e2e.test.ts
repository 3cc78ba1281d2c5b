import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { depwardenInProcess as depwarden } from '../support/cli.js';
import { FIXTURES } from '../support/paths.js';
import { tempDir } from '../support/temp.js';
import { REGISTRY } from '../support/tree.js';

interface SarifLocation {
  physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } };
}
interface Sarif {
  runs: { results: { ruleId: string; locations: SarifLocation[] }[] }[];
}

/** Each result as rule, file and line. */
const located = (sarif: Sarif): string[] =>
  sarif.runs[0]!.results.map(
    ({ ruleId, locations: [where] }) => `${ruleId} ${where!.physicalLocation.artifactLocation.uri}:${where!.physicalLocation.region?.startLine}`,
  );

describe('the ci gate in a machine-readable report', () => {
  it('points each finding at its entry in the lockfile, as check does, and installs nothing', async () => {
    const dir = tempDir('ci-sarif');
    cpSync(join(FIXTURES, 'risky', 'app'), dir, { recursive: true });
    const args = ['--registry', REGISTRY, '--offline', '--format', 'sarif'];
    const ci = await depwarden(['ci', ...args], { cwd: dir });
    const check = await depwarden(['check', ...args], { cwd: dir });
    expect(ci.status).toBe(1);
    expect(ci.stderr).toContain('nothing was installed');
    const lines = located(JSON.parse(ci.stdout) as Sarif);
    expect(lines).toEqual(located(JSON.parse(check.stdout) as Sarif));
    // The URL dependency three levels down sits far below the lockfile's first line.
    const lockfile = readFileSync(join(dir, 'package-lock.json'), 'utf8').split('\n');
    const urlEntry = lines.find((line) => line.startsWith('url-dependency '));
    expect(urlEntry).toBeDefined();
    const line = Number(urlEntry!.slice(urlEntry!.lastIndexOf(':') + 1));
    expect(line).toBeGreaterThan(1);
    expect(lockfile[line - 1]).toContain('"node_modules/');
  });
});
