import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { derUtf8, npmPurl, readStatement, repositoryKey, sha512Hex, subjectMismatch } from '../../src/npm/provenance.js';

const npa = createRequire(import.meta.url)('npm-package-arg') as ((spec: string) => unknown) & { toPurl(spec: unknown): string };

const bundleOf = (statement: unknown, keyid = '') => ({
  dsseEnvelope: {
    payload: Buffer.from(JSON.stringify(statement)).toString('base64'),
    payloadType: 'application/vnd.in-toto+json',
    signatures: [{ keyid, sig: 'x' }],
  },
});
const integrity = `sha512-${Buffer.alloc(64, 7).toString('base64')}`;
const hex = Buffer.alloc(64, 7).toString('hex');

describe('provenance statements', () => {
  it('reads subject, keyid and the repository of SLSA v1 and v0.2 predicates', () => {
    const v1 = readStatement(
      bundleOf({
        subject: [{ name: 'pkg:npm/a@1.0.0', digest: { sha512: hex } }],
        predicateType: 'https://slsa.dev/provenance/v1',
        predicate: { buildDefinition: { externalParameters: { workflow: { repository: 'https://github.com/o/a' } } } },
      }),
    );
    expect(v1).toEqual({
      predicateType: 'https://slsa.dev/provenance/v1',
      keyid: '',
      subjectName: 'pkg:npm/a@1.0.0',
      subjectSha512: hex,
      predicateRepository: 'https://github.com/o/a',
    });
    const v02 = readStatement(
      bundleOf(
        {
          subject: [],
          predicateType: 'https://slsa.dev/provenance/v0.2',
          predicate: { invocation: { configSource: { uri: 'git+https://github.com/o/a@refs/heads/main' } } },
        },
        'SHA256:k',
      ),
    );
    expect(v02).toMatchObject({ keyid: 'SHA256:k', subjectName: undefined, predicateRepository: 'git+https://github.com/o/a' });
    expect(readStatement({})).toBe('an attestation bundle has no DSSE envelope');
    expect(readStatement({ dsseEnvelope: { payload: Buffer.from('not json').toString('base64') } })).toBe("an attestation's statement is not JSON");
  });

  it('compares the subject with the purl and the tarball sha512, as pacote does', () => {
    const statement = readStatement(bundleOf({ subject: [{ name: 'pkg:npm/%40s/a@1.0.0', digest: { sha512: hex } }] }));
    if (typeof statement === 'string') throw new Error(statement);
    expect(subjectMismatch(statement, npmPurl('@s/a', '1.0.0'), integrity)).toBeUndefined();
    expect(subjectMismatch(statement, npmPurl('@s/a', '1.0.1'), integrity)).toBe('it was signed for pkg:npm/%40s/a@1.0.0, not pkg:npm/%40s/a@1.0.1');
    expect(subjectMismatch(statement, npmPurl('@s/a', '1.0.0'), `sha512-${Buffer.alloc(64, 8).toString('base64')}`)).toMatch(
      /^it was signed for a tarball of sha512 0707.*, not 0808/,
    );
    expect(subjectMismatch(statement, npmPurl('@s/a', '1.0.0'), 'sha1-abc')).toBe('the registry gives no sha512 integrity to compare the attestation with');
    expect(sha512Hex(`sha1-abc ${integrity}`)).toBe(hex);
  });

  it('writes the purl as npm-package-arg does', () => {
    for (const [name, version] of [
      ['left-pad', '1.3.0'],
      ['@scope/pkg', '2.0.0-beta.1'],
    ] as const)
      expect(npmPurl(name, version)).toBe(npa.toPurl(npa(`${name}@${version}`)));
  });

  it('compares repositories in any of the URL forms npm accepts', () => {
    const key = 'github.com/owner/repo';
    for (const form of [
      'https://github.com/owner/repo',
      'git+https://github.com/Owner/Repo.git',
      'git://github.com/owner/repo.git',
      'git+ssh://git@github.com/owner/repo.git',
      'github:owner/repo',
      'owner/repo',
      { type: 'git', url: 'https://github.com/owner/repo/' },
    ])
      expect(repositoryKey(form)).toBe(key);
    expect(repositoryKey('https://git.example.test/team/repo.git/')).toBe('git.example.test/team/repo');
    expect(repositoryKey('https://github.com/owner/other')).not.toBe(key);
    expect(repositoryKey(undefined)).toBeUndefined();
    expect(repositoryKey({ type: 'git' })).toBeUndefined();
  });

  it('reads a certificate extension as a DER UTF8String', () => {
    const text = 'https://github.com/o/r';
    expect(derUtf8(Buffer.concat([Buffer.from([0x0c, text.length]), Buffer.from(text)]))).toBe(text);
    const long = `https://github.com/${'x'.repeat(200)}`;
    expect(derUtf8(Buffer.concat([Buffer.from([0x0c, 0x81, long.length]), Buffer.from(long)]))).toBe(long);
    expect(derUtf8(Buffer.from([0x04, 1, 0x41]))).toBeUndefined();
    expect(derUtf8(Buffer.from([0x0c, 5, 0x41]))).toBeUndefined();
  });
});
