import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ZipFile } from 'yazl';
import { InputError } from '../../src/errors.js';
import { loadOsvData } from '../../src/registry/osv-data.js';
import { depwardenInProcess } from '../support/cli.js';
import { tempDir } from '../support/temp.js';

const work = tempDir('osv-data');

const advisory = (id: string, name: string) => ({
  id,
  modified: '2026-01-02T00:00:00Z',
  summary: `Malicious code in ${name} (npm)`,
  affected: [{ package: { ecosystem: 'npm', name }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] }],
});

/** A folder as ossf/malicious-packages lays it out: two advisories, plus `extra` files by path. */
function dataFolder(name: string, extra: Record<string, string>): string {
  const dir = join(work, name);
  for (const [file, text] of Object.entries({
    'osv/malicious/npm/dw-evil/MAL-2026-0001.json': JSON.stringify(advisory('MAL-2026-0001', 'dw-evil')),
    'osv/malicious/npm/dw-worse/MAL-2026-0002.json': JSON.stringify(advisory('MAL-2026-0002', 'dw-worse')),
    ...extra,
  })) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

function zipOf(name: string, entries: Record<string, string>): Promise<string> {
  const path = join(work, name);
  return new Promise((resolve, reject) => {
    const zip = new ZipFile();
    for (const [file, text] of Object.entries(entries)) zip.addBuffer(Buffer.from(text), file);
    zip.end();
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve((writeFileSync(path, Buffer.concat(chunks)), path)));
    zip.outputStream.on('error', reject);
  });
}

describe('--osv-data: a file it cannot read as an advisory is an input error, never a silent skip', () => {
  it('a .json file that is not JSON, or not an OSV advisory, is named (it was skipped, and the summary said "2 from …")', async () => {
    const broken = dataFolder('broken', { 'osv/malicious/npm/dw-bad/MAL-2026-0003.json': '{"id": "MAL-2026-0003", "affected": [' });
    await expect(loadOsvData(broken)).rejects.toThrow(
      new InputError(`the OSV data ${broken} holds osv/malicious/npm/dw-bad/MAL-2026-0003.json, which is not valid JSON`),
    );
    const other = dataFolder('other', { 'osv/malicious/npm/dw-bad/MAL-2026-0003.json': '{"not": "an advisory"}' });
    await expect(loadOsvData(other)).rejects.toThrow(`holds osv/malicious/npm/dw-bad/MAL-2026-0003.json, which is not an OSV advisory`);
  });

  it('in a zip too', async () => {
    const zip = await zipOf('broken.zip', { 'MAL-2026-0001.json': JSON.stringify(advisory('MAL-2026-0001', 'dw-evil')), 'MAL-2026-0003.json': 'not json' });
    await expect(loadOsvData(zip)).rejects.toThrow(`the OSV data ${zip} holds MAL-2026-0003.json, which is not valid JSON`);
  });

  it('files not named .json (a checkout’s README) are skipped and counted; dot folders are not read', async () => {
    const checkout = dataFolder('checkout', {
      'README.md': '# data\n',
      'osv/malicious/npm/dw-x/MAL-2026-0004.yaml': 'id: MAL-2026-0004\n',
      '.github/renovate.json': '{}',
    });
    const index = await loadOsvData(checkout);
    expect({ count: index.count, skipped: index.skipped, names: [...index.byName.keys()].sort() }).toEqual({
      count: 2,
      skipped: 2,
      names: ['dw-evil', 'dw-worse'],
    });
  });

  it('check says so in one line and exits 2; the summary states what it skipped', async () => {
    const project = join(work, 'project');
    mkdirSync(project, { recursive: true });
    const dependencies = { 'dw-evil': '1.0.0' };
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', dependencies }));
    const packages = {
      '': { name: 'app', version: '1.0.0', dependencies },
      'node_modules/dw-evil': { version: '1.0.0', resolved: 'https://registry.example.test/dw-evil/-/dw-evil-1.0.0.tgz', integrity: 'sha512-AAAA' },
    };
    writeFileSync(join(project, 'package-lock.json'), JSON.stringify({ name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages }));
    const broken = dataFolder('broken', { 'osv/malicious/npm/dw-bad/MAL-2026-0003.json': '{"id": "MAL-2026-0003", "affected": [' });
    const checkout = dataFolder('checkout', { 'README.md': '# data\n', 'osv/malicious/npm/dw-x/MAL-2026-0004.yaml': 'id: MAL-2026-0004\n' });
    const failed = await depwardenInProcess(['check', project, '--offline', '--osv-data', broken]);
    expect({ status: failed.status, stdout: failed.stdout, stderr: failed.stderr }).toEqual({
      status: 2,
      stdout: '',
      stderr: `depwarden: the OSV data ${broken} holds osv/malicious/npm/dw-bad/MAL-2026-0003.json, which is not valid JSON\n`,
    });
    const checked = await depwardenInProcess(['check', project, '--offline', '--osv-data', checkout]);
    expect(checked.stdout).toContain('MAL-2026-0001');
    expect(checked.stdout + checked.stderr).toContain(`malware advisories: 2 from ${checkout}`);
    expect(checked.stdout + checked.stderr).toContain('; 2 files not named .json skipped');
  });
});
