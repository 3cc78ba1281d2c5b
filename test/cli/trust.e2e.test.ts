import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipFile } from 'yazl';
import { DEFAULT_MIRROR_URL } from '@sigstore/tuf';
import { depwardenInProcess, type CliRun } from '../support/cli.js';
import { provenanceStatement, publishStatement, startMockSigstore, type MockSigstore } from '../support/sigstore.js';

/**
 * The registry's trust signals and OSV's malware reports, end to end: a stand-in registry that signs what it
 * serves with a key made here, and a stand-in OSV API, both on 127.0.0.1; the built CLI checks one lockfile.
 */
const work = mkdtempSync(join(tmpdir(), 'depwarden-trust-e2e-'));
const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const KEYID = 'SHA256:depwarden-test-key';

interface Version {
  /** Provenance: built from the package's own repository, signed for other bytes, or built from another repository. */
  attestations?: 'good' | 'tampered' | 'elsewhere' | 'forged' | 'badkey';
  signed?: 'good' | 'tampered' | 'none';
  published: string;
}
const PACKAGES: Record<string, Record<string, Version>> = {
  'dw-good': { '1.0.0': { published: '2025-01-01T00:00:00.000Z' } },
  'dw-tampered': { '1.0.0': { signed: 'tampered', published: '2025-01-01T00:00:00.000Z' } },
  'dw-unsigned': { '1.0.0': { signed: 'none', published: '2025-01-01T00:00:00.000Z' } },
  'dw-prov-kept': {
    '1.0.0': { attestations: 'good', published: '2025-01-01T00:00:00.000Z' },
    '1.1.0': { attestations: 'good', published: '2025-02-01T00:00:00.000Z' },
  },
  'dw-prov-dropped': {
    '1.0.0': { attestations: 'good', published: '2025-01-01T00:00:00.000Z' },
    '1.0.1': { attestations: 'good', published: '2025-01-15T00:00:00.000Z' },
    '1.1.0': { published: '2025-02-01T00:00:00.000Z' },
  },
  'dw-prov-tampered': { '1.0.0': { attestations: 'tampered', published: '2025-01-01T00:00:00.000Z' } },
  'dw-prov-elsewhere': { '1.0.0': { attestations: 'elsewhere', published: '2025-01-01T00:00:00.000Z' } },
  /** Signed by a Sigstore that the trusted root does not name. */
  'dw-prov-forged': { '1.0.0': { attestations: 'forged', published: '2025-01-01T00:00:00.000Z' } },
  /** A good provenance, and a publish attestation that names the registry's key but was signed with another. */
  'dw-prov-badkey': { '1.0.0': { attestations: 'badkey', published: '2025-01-01T00:00:00.000Z' } },
  'dw-evil': { '2.0.0': { published: '2025-01-01T00:00:00.000Z' } },
};
const INSTALLED: Record<string, string> = {
  'dw-good': '1.0.0',
  'dw-tampered': '1.0.0',
  'dw-unsigned': '1.0.0',
  'dw-prov-kept': '1.1.0',
  'dw-prov-dropped': '1.1.0',
  'dw-evil': '2.0.0',
  'dw-prov-tampered': '1.0.0',
  'dw-prov-elsewhere': '1.0.0',
  'dw-prov-forged': '1.0.0',
  'dw-prov-badkey': '1.0.0',
};

/** The repository each package's package.json names (as npm writes it: git+https, .git). */
const repositoryOf = (name: string): string => `git+https://github.com/dw/${name}.git`;
/** Sigstore bundles of the versions with provenance, made at start by the mock Sigstore. */
const bundles = new Map<string, { predicateType: string; bundle: unknown }[]>();
let sigstore: MockSigstore;

const tarballOf = (name: string, version: string): Buffer => Buffer.from(`stand-in tarball of ${name}@${version}`);
const integrityOf = (name: string, version: string): string => `sha512-${createHash('sha512').update(tarballOf(name, version)).digest('base64')}`;

/** OSV documents: malware for dw-evil (listed version), a withdrawn report on dw-good, a vulnerability (not malware) on dw-good. */
const ADVISORIES = [
  {
    id: 'MAL-2026-0001',
    modified: '2026-01-02T00:00:00Z',
    summary: 'Malicious code in dw-evil (npm)',
    affected: [{ package: { ecosystem: 'npm', name: 'dw-evil' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] }],
  },
  {
    id: 'MAL-2026-0002',
    modified: '2026-01-01T00:00:00Z',
    withdrawn: '2026-01-03T00:00:00Z',
    summary: 'Malicious code in dw-good (npm), withdrawn',
    affected: [{ package: { ecosystem: 'npm', name: 'dw-good' }, versions: ['1.0.0'] }],
  },
  {
    id: 'GHSA-xxxx-yyyy-zzzz',
    modified: '2026-01-01T00:00:00Z',
    summary: 'An ordinary vulnerability',
    affected: [{ package: { ecosystem: 'npm', name: 'dw-good' }, versions: ['1.0.0'] }],
  },
];

function packument(base: string, name: string) {
  const versions: Record<string, unknown> = {};
  const time: Record<string, string> = {};
  for (const [version, spec] of Object.entries(PACKAGES[name]!)) {
    const integrity = integrityOf(name, version);
    const signedIntegrity = spec.signed === 'tampered' ? integrityOf(name, '9.9.9') : integrity;
    const signature = sign('sha256', Buffer.from(`${name}@${version}:${signedIntegrity}`), privateKey).toString('base64');
    versions[version] = {
      name,
      version,
      repository: { type: 'git', url: repositoryOf(name) },
      dist: {
        integrity,
        tarball: `${base}/${name}/-/${name}-${version}.tgz`,
        ...(spec.signed === 'none' ? {} : { signatures: [{ keyid: KEYID, sig: signature }] }),
        ...(spec.attestations
          ? { attestations: { url: `${base}/-/npm/v1/attestations/${name}@${version}`, provenance: { predicateType: 'https://slsa.dev/provenance/v1' } } }
          : {}),
      },
    };
    time[version] = spec.published;
  }
  return { name, versions, time, 'dist-tags': { latest: Object.keys(versions).at(-1) } };
}

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

async function serve(handler: Handler): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => handler(request, body, response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const json = (response: ServerResponse, status: number, value: unknown): void => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(value));
};

let registry: { server: Server; url: string };
let osv: { server: Server; url: string };
/** How the stand-in registry and OSV behave for the next run. */
const mode = { keys: true, attestations: true, osv: 'ok' as 'ok' | 'down' | 'truncated' };
const osvRequests: string[] = [];
const pagedQueries: string[] = [];
let zipBytes: Buffer;

beforeAll(async () => {
  sigstore = await startMockSigstore();
  const otherSigstore = await startMockSigstore();
  for (const [name, versions] of Object.entries(PACKAGES)) {
    for (const [version, { attestations }] of Object.entries(versions)) {
      if (!attestations) continue;
      const signedVersion = attestations === 'tampered' ? '9.9.9' : version;
      const sha512 = Buffer.from(integrityOf(name, signedVersion).slice('sha512-'.length), 'base64').toString('hex');
      const repository = attestations === 'elsewhere' ? `attacker/${name}` : `dw/${name}`;
      const signer = attestations === 'forged' ? otherSigstore : sigstore;
      const purl = `pkg:npm/${name}@${version}`;
      const provenance = await signer.provenance(provenanceStatement(purl, sha512, repository), repository);
      // npm publishes a publish attestation beside the provenance, signed with the registry's key.
      const publishKey = attestations === 'badkey' ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey : privateKey;
      const publish = await sigstore.publishAttestation(publishStatement(purl, sha512), publishKey, KEYID);
      bundles.set(`${name}@${version}`, [
        { predicateType: 'https://github.com/npm/attestation/tree/main/specs/publish/v0.1', bundle: publish },
        { predicateType: 'https://slsa.dev/provenance/v1', bundle: provenance },
      ]);
    }
  }
  await otherSigstore.close();
  writeFileSync(join(work, 'trusted_root.json'), JSON.stringify(sigstore.trustedRoot));
  registry = await serve((request, _body, response) => {
    const path = decodeURIComponent(new URL(request.url!, 'http://x').pathname);
    const attested = /^\/-\/npm\/v1\/attestations\/(.+)$/.exec(path);
    if (attested && !mode.attestations) return json(response, 404, { error: 'not found' });
    if (attested) {
      const attestations = bundles.get(attested[1]!);
      return attestations ? json(response, 200, { attestations }) : json(response, 404, { error: 'not found' });
    }
    if (path === '/-/npm/v1/keys') {
      if (!mode.keys) return json(response, 404, { error: 'not found' });
      const key = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
      return json(response, 200, { keys: [{ keyid: KEYID, keytype: 'ecdsa-sha2-nistp256', scheme: 'ecdsa-sha2-nistp256', expires: null, key }] });
    }
    const tarball = /^\/(.+)\/-\/.+-(\d+\.\d+\.\d+)\.tgz$/.exec(path);
    if (tarball && PACKAGES[tarball[1]!]) {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      return response.end(tarballOf(tarball[1]!, tarball[2]!));
    }
    const name = path.slice(1);
    if (PACKAGES[name]) return json(response, 200, packument(registry.url, name));
    return json(response, 404, { error: 'not found' });
  });
  osv = await serve((request, body, response) => {
    osvRequests.push(`${request.method} ${request.url}`);
    if (request.url === '/npm/all.zip') {
      response.writeHead(200, { 'content-type': 'application/zip' });
      return response.end(zipBytes);
    }
    if (mode.osv === 'down') return json(response, 500, { error: 'down' });
    if (request.method === 'POST' && request.url === '/v1/querybatch') {
      const { queries } = JSON.parse(body) as { queries: { package: { name: string }; version: string; page_token?: string }[] };
      // One vuln a page, as OSV pages long answers: the rest behind next_page_token.
      const results = queries.map(({ package: { name }, version, page_token: token }) => {
        const vulns = ADVISORIES.filter((advisory) => advisory.affected[0]!.package.name === name && (name !== 'dw-good' || version === '1.0.0'));
        const page = Number(token ?? 0);
        if (token !== undefined) pagedQueries.push(`${name} page ${page}`);
        const rest = page + 1 < vulns.length ? { next_page_token: String(page + 1) } : {};
        return { vulns: vulns.slice(page, page + 1).map(({ id, modified }) => ({ id, modified })), ...rest };
      });
      return json(response, 200, { results: mode.osv === 'truncated' ? results.slice(1) : results });
    }
    const vuln = /^\/v1\/vulns\/(.+)$/.exec(request.url!);
    const advisory = vuln && ADVISORIES.find(({ id }) => id === decodeURIComponent(vuln[1]!));
    if (advisory) return json(response, 200, advisory);
    return json(response, 404, { code: 5, message: 'Bug not found.' });
  });

  const project = join(work, 'project');
  mkdirSync(project, { recursive: true });
  const dependencies = Object.fromEntries(Object.entries(INSTALLED).map(([name, version]) => [name, version]));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', dependencies }, null, 2));
  const packages: Record<string, unknown> = { '': { name: 'app', version: '1.0.0', dependencies } };
  for (const [name, version] of Object.entries(INSTALLED)) {
    packages[`node_modules/${name}`] = { version, resolved: `${registry.url}/${name}/-/${name}-${version}.tgz`, integrity: integrityOf(name, version) };
  }
  writeFileSync(join(project, 'package-lock.json'), JSON.stringify({ name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2));

  // The offline forms of OSV's data: a folder of OSV JSON files (as ossf/malicious-packages lays them out) and a zip.
  for (const advisory of ADVISORIES) {
    const dir = join(work, 'osv-folder', 'osv', 'malicious', 'npm', advisory.affected[0]!.package.name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${advisory.id}.json`), JSON.stringify(advisory));
  }
  zipBytes = await new Promise<Buffer>((resolve, reject) => {
    const zip = new ZipFile();
    for (const advisory of ADVISORIES) zip.addBuffer(Buffer.from(JSON.stringify(advisory)), `${advisory.id}.json`);
    zip.end();
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
  writeFileSync(join(work, 'npm-all.zip'), zipBytes);
});

afterAll(async () => {
  await Promise.all([registry, osv].map(({ server }) => new Promise((resolve) => server.close(resolve))));
  await sigstore.close();
  rmSync(work, { recursive: true, force: true });
});

/**
 * The CLI with its own npm cache and HOME; the stand-in servers keep answering in this process. Its main runs in
 * this process (the launcher is tested spawned elsewhere).
 */
function run(args: string[], cache = 'cache', env: Record<string, string> = {}): Promise<CliRun> {
  const home = join(work, 'home');
  mkdirSync(home, { recursive: true });
  return depwardenInProcess(args, {
    cwd: work,
    env: {
      HOME: home,
      npm_config_offline: 'false',
      npm_config_cache: join(work, cache),
      DEPWARDEN_OSV_URL: '',
      // The mock Sigstore's trusted root, in place of the one Sigstore's TUF repository publishes.
      DEPWARDEN_SIGSTORE_TRUSTED_ROOT: join(work, 'trusted_root.json'),
      ...env,
    },
  });
}

interface Report {
  findings: { rule: string; code: string; severity: string; package: { name: string }; message: string }[];
  summary: { registry: { notes?: string[] } };
}
const report = (output: CliRun): Report => JSON.parse(output.stdout) as Report;
const TRUST_RULES = new Set(['known-malware', 'registry-signature', 'provenance-dropped']);
const trustFindings = (output: CliRun): string[] =>
  report(output)
    .findings.filter((finding) => TRUST_RULES.has(finding.rule))
    .map((finding) => `${finding.severity} ${finding.rule}/${finding.code} ${finding.package.name}`)
    .sort();

const check = (extra: string[], cache?: string, env?: Record<string, string>) =>
  run(['check', join(work, 'project'), '--registry', `${registry.url}/`, '--format', 'json', ...extra], cache, env);

describe('trust signals end to end', () => {
  it('check of one lockfile: known malware from the OSV API, invalid and missing signatures, dropped, invalid and foreign provenance', async () => {
    const output = await check(['--osv-url', osv.url]);
    expect(output.stderr).toBe('');
    expect(trustFindings(output)).toEqual([
      'critical known-malware/known-malware dw-evil',
      'critical provenance-dropped/provenance-invalid dw-prov-badkey',
      'critical provenance-dropped/provenance-invalid dw-prov-forged',
      'critical provenance-dropped/provenance-invalid dw-prov-tampered',
      'critical registry-signature/signature-invalid dw-tampered',
      'high provenance-dropped/provenance-dropped dw-prov-dropped',
      'high provenance-dropped/provenance-repository-mismatch dw-prov-elsewhere',
      'high registry-signature/signature-missing dw-unsigned',
    ]);
    const messages = report(output)
      .findings.map((finding) => finding.message)
      .join('\n');
    expect(messages).toContain('MAL-2026-0001 (Malicious code in dw-evil (npm))');
    expect(messages).toContain('latest: 1.0.1');
    // dw-prov-kept's provenance verified (mock Sigstore) and names its own repository: no finding.
    expect(report(output).summary.registry.notes?.join('\n') ?? '').not.toContain('attestations');
    expect(messages).toMatch(/the provenance of version 1\.0\.0 is not valid: the provenance attestation does not verify: .+/);
    expect(messages).toMatch(/the provenance of version 1\.0\.0 is not valid: the publish attestation does not verify: .+/);
    const tampered = `sha512 ${Buffer.from(integrityOf('dw-prov-tampered', '9.9.9').slice(7), 'base64').toString('hex')}`;
    expect(messages).toContain(
      `the provenance of version 1.0.0 is not valid: the publish attestation does not match: it was signed for a tarball of ${tampered}`,
    );
    expect(messages).toContain(
      `version 1.0.0 was built from https://github.com/attacker/dw-prov-elsewhere, not from the repository it names (${repositoryOf('dw-prov-elsewhere')})`,
    );
    expect(messages).not.toContain('MAL-2026-0002'); // withdrawn
    expect(output.status).toBe(1);
    // dw-good's answer has two pages (MAL-2026-0002 withdrawn, then the GHSA): the second was asked for.
    expect(pagedQueries).toEqual(['dw-good page 1']);
    // Only malware reports are looked up in detail: the GHSA vulnerability is out of scope.
    expect(osvRequests.filter((request) => request.startsWith('GET /v1/vulns/')).sort()).toEqual([
      'GET /v1/vulns/MAL-2026-0001',
      'GET /v1/vulns/MAL-2026-0002',
    ]);
  });

  it('reuses OSV answers from its cache on the next run', async () => {
    osvRequests.length = 0;
    const output = await check(['--osv-url', osv.url]);
    expect(trustFindings(output)).toContain('critical known-malware/known-malware dw-evil');
    expect(osvRequests).toEqual([]);
  });

  it('keeps verified provenance: a warm run judges it without sigstore, even with its trusted root gone', async () => {
    const rootFile = join(work, 'trusted_root.json');
    const root = readFileSync(rootFile);
    writeFileSync(rootFile, 'not a trusted root');
    try {
      const output = await check(['--osv-url', osv.url]);
      // dw-prov-kept and dw-prov-elsewhere verified in the first run: judged from the cache (the repository kept too);
      // what did not verify is judged again, and now cannot be, but for the statement about other bytes.
      expect(trustFindings(output).filter((line) => line.includes('provenance-'))).toEqual([
        'critical provenance-dropped/provenance-invalid dw-prov-tampered',
        'high provenance-dropped/provenance-dropped dw-prov-dropped',
        'high provenance-dropped/provenance-repository-mismatch dw-prov-elsewhere',
        'medium provenance-dropped/unverified app',
      ]);
      expect(report(output).findings.find((finding) => finding.code === 'unverified' && finding.rule === 'provenance-dropped')!.message).toMatch(
        /^provenance not verified: the Sigstore trusted root .*trusted_root\.json \(DEPWARDEN_SIGSTORE_TRUSTED_ROOT\) could not be read \(.+\) \(2 packages\)$/,
      );
    } finally {
      writeFileSync(rootFile, root);
    }
  });

  it('OSV named by the user down or cut short: unverified and high (the check fails), never a silent pass', async () => {
    mode.osv = 'down';
    try {
      const down = await check(['--osv-url', osv.url], 'cache-down');
      const unverified = report(down).findings.filter((finding) => finding.rule === 'known-malware');
      expect(unverified.map((finding) => [finding.code, finding.severity, finding.package.name])).toEqual([['unverified', 'high', 'app']]);
      expect(unverified[0]!.message).toContain('OSV answered HTTP 500');
      mode.osv = 'truncated';
      const truncated = await check(['--osv-url', osv.url], 'cache-truncated');
      const faults = report(truncated).findings.filter((finding) => finding.rule === 'known-malware');
      expect(faults.map((finding) => finding.code)).toEqual(['unverified']);
      expect(faults[0]!.message).toContain("OSV's answer is incomplete (9 results for 10 queries)");
    } finally {
      mode.osv = 'ok';
    }
  });

  it('--offline with --osv-data: a zip as OSV exports it, or a folder of OSV JSON files', async () => {
    osvRequests.length = 0;
    for (const data of [join(work, 'npm-all.zip'), join(work, 'osv-folder')]) {
      const output = await check(['--offline', '--osv-data', data]);
      expect(trustFindings(output)).toContain('critical known-malware/known-malware dw-evil');
      expect(trustFindings(output).filter((line) => line.includes('known-malware'))).toHaveLength(1);
      // The registry's keys come from npm's cache, as the packuments do.
      expect(trustFindings(output)).toContain('critical registry-signature/signature-invalid dw-tampered');
      // Attestations too come from npm's cache, verified against the trusted root given.
      expect(trustFindings(output).filter((line) => line.includes('provenance-'))).toEqual([
        'critical provenance-dropped/provenance-invalid dw-prov-badkey',
        'critical provenance-dropped/provenance-invalid dw-prov-forged',
        'critical provenance-dropped/provenance-invalid dw-prov-tampered',
        'high provenance-dropped/provenance-dropped dw-prov-dropped',
        'high provenance-dropped/provenance-repository-mismatch dw-prov-elsewhere',
      ]);
      expect(report(output).summary.registry.notes).toContain(
        `malware advisories: 2 from ${data}, newest of 2026-01-02 (${Math.floor((Date.now() - Date.parse('2026-01-02T00:00:00Z')) / 86_400_000)} days old)`,
      );
    }
    expect(osvRequests).toEqual([]);
  });

  it('--offline without a Sigstore trusted root in npm’s TUF cache: provenance unverified (said once), a wrong subject still invalid', async () => {
    const output = await check(['--offline', '--osv-data', join(work, 'npm-all.zip')], 'cache', { DEPWARDEN_SIGSTORE_TRUSTED_ROOT: '' });
    const provenance = report(output).findings.filter((finding) => finding.rule === 'provenance-dropped' && finding.code !== 'provenance-dropped');
    // A statement about other bytes needs no trusted root to be found wrong.
    expect(provenance.map((finding) => [finding.code, finding.severity, finding.package.name])).toEqual([
      ['provenance-invalid', 'critical', 'dw-prov-tampered'],
      ['unverified', 'medium', 'app'],
    ]);
    expect(provenance[1]!.message).toBe(
      "provenance not verified: no Sigstore trusted root in npm's TUF cache, and --offline forbids fetching one (run `npm audit signatures` once where Sigstore is reachable, or set DEPWARDEN_SIGSTORE_TRUSTED_ROOT) (4 packages)",
    );
    // A trusted root in npm's TUF cache, as a TUF client leaves it (the target beside its metadata), is used as it is.
    const tuf = join(work, 'cache', '_tuf', encodeURIComponent(new URL(DEFAULT_MIRROR_URL).host));
    mkdirSync(join(tuf, 'targets'), { recursive: true });
    writeFileSync(join(tuf, 'timestamp.json'), '{}');
    writeFileSync(join(tuf, 'targets', 'trusted_root.json'), JSON.stringify(sigstore.trustedRoot));
    const cached = await check(['--offline', '--osv-data', join(work, 'npm-all.zip')], 'cache', { DEPWARDEN_SIGSTORE_TRUSTED_ROOT: '' });
    expect(trustFindings(cached).filter((line) => line.includes('provenance-'))).toEqual([
      'critical provenance-dropped/provenance-invalid dw-prov-badkey',
      'critical provenance-dropped/provenance-invalid dw-prov-forged',
      'critical provenance-dropped/provenance-invalid dw-prov-tampered',
      'high provenance-dropped/provenance-dropped dw-prov-dropped',
      'high provenance-dropped/provenance-repository-mismatch dw-prov-elsewhere',
    ]);
  });

  it('data update saves the export; --offline then reads it and says how old it is', async () => {
    const update = await run(['data', 'update', '--osv-export', `${osv.url}/npm/all.zip`]);
    expect(update.stderr).toBe('');
    // npm-registry-fetch once kept an HTTP cache in a folder `no-store` relative to the process's working folder.
    for (const folder of [work, process.cwd()]) expect(existsSync(join(folder, 'no-store'))).toBe(false);
    expect(update.stdout).toMatch(/^OSV npm malware data: 2 malware reports saved to .*npm-malware\.json, downloaded now; the newest was modified 2026-01-02/);
    const output = await check(['--offline']);
    expect(trustFindings(output)).toContain('critical known-malware/known-malware dw-evil');
    expect(report(output).summary.registry.notes?.join('\n')).toMatch(
      /malware advisories: 2 from the OSV export downloaded \d{4}-\d\d-\d\d \(less than a day ago\)/,
    );
    const bad = await run(['data', 'update', '--osv-export', `${osv.url}/missing.zip`]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('the OSV export could not be downloaded (HTTP 404)');
  });

  it('a registry that publishes no keys: said once in the summary, no finding per package', async () => {
    mode.keys = false;
    try {
      const output = await check(['--osv-url', osv.url], 'cache-nokeys');
      expect(trustFindings(output).filter((line) => line.includes('registry-signature'))).toEqual([]);
      expect(report(output).summary.registry.notes).toContain(
        `registry signatures: ${registry.url}/ publishes no signing keys (/-/npm/v1/keys), so the signatures of its 10 packages were not checked`,
      );
      // Publish attestations (signed with a registry key) cannot be checked either; provenance still is.
      expect(trustFindings(output).filter((line) => line.includes('provenance-'))).toEqual([
        'critical provenance-dropped/provenance-invalid dw-prov-forged',
        'critical provenance-dropped/provenance-invalid dw-prov-tampered',
        'high provenance-dropped/provenance-dropped dw-prov-dropped',
        'high provenance-dropped/provenance-repository-mismatch dw-prov-elsewhere',
      ]);
    } finally {
      mode.keys = true;
    }
  });

  it('a registry that serves no attestations though its packuments announce them: said once in the summary', async () => {
    mode.attestations = false;
    try {
      const output = await check(['--osv-url', osv.url], 'cache-noattestations');
      expect(trustFindings(output).filter((line) => line.includes('provenance-'))).toEqual(['high provenance-dropped/provenance-dropped dw-prov-dropped']);
      expect(report(output).summary.registry.notes).toContain(
        `provenance: ${registry.url}/ serves no attestations (/-/npm/v1/attestations), though the packuments of 5 packages announce them; their provenance was not verified`,
      );
    } finally {
      mode.attestations = true;
    }
  });
});
