import { hostedGitInfo } from '../cjs.js';

/**
 * What npm's attestations say, read as pacote's `verifyAttestations` reads them (untrusted data: every field
 * checked): the in-toto statement inside each bundle's DSSE envelope must name this package version (its purl) and
 * the sha512 of its tarball; the provenance statement names the repository it was built from. The signatures
 * themselves are checked by sigstore (src/registry/attestations.ts). Pure: no I/O.
 */
export interface AttestationStatement {
  readonly predicateType: string;
  /** `keyid` of the DSSE signature: set on npm's publish attestation (a registry key), empty on keyless provenance. */
  readonly keyid: string;
  readonly subjectName: string | undefined;
  readonly subjectSha512: string | undefined;
  /** The source repository the SLSA predicate names, when it names one. */
  readonly predicateRepository: string | undefined;
}

/** The statement of one attestation bundle; a sentence saying what is wrong when it cannot be read. */
export function readStatement(bundle: unknown): AttestationStatement | string {
  const envelope = record(record(bundle)?.dsseEnvelope);
  if (!envelope || typeof envelope.payload !== 'string') return 'an attestation bundle has no DSSE envelope';
  let statement: Record<string, unknown> | undefined;
  try {
    statement = record(JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')));
  } catch {
    statement = undefined;
  }
  if (!statement) return "an attestation's statement is not JSON";
  const signature = record(Array.isArray(envelope.signatures) ? envelope.signatures[0] : undefined);
  const subject = record(Array.isArray(statement.subject) ? statement.subject[0] : undefined);
  const digest = record(subject?.digest);
  return {
    predicateType: typeof statement.predicateType === 'string' ? statement.predicateType : '',
    keyid: typeof signature?.keyid === 'string' ? signature.keyid : '',
    subjectName: typeof subject?.name === 'string' ? subject.name : undefined,
    subjectSha512: typeof digest?.sha512 === 'string' ? digest.sha512 : undefined,
    predicateRepository: predicateRepository(record(statement.predicate)),
  };
}

/** Whether the statement is about these bytes of this version; a sentence when it is not. */
export function subjectMismatch(statement: AttestationStatement, purl: string, integrity: string | undefined): string | undefined {
  if (statement.subjectName !== purl) return `it was signed for ${statement.subjectName ?? 'no package'}, not ${purl}`;
  const sha512 = integrity === undefined ? undefined : sha512Hex(integrity);
  if (sha512 === undefined) return 'the registry gives no sha512 integrity to compare the attestation with';
  if (statement.subjectSha512 !== sha512) return `it was signed for a tarball of sha512 ${statement.subjectSha512 ?? '(none)'}, not ${sha512}`;
  return undefined;
}

export const isProvenance = (predicateType: string): boolean => predicateType.startsWith('https://slsa.dev/provenance/');

/** SLSA v1: `buildDefinition.externalParameters.workflow.repository`; v0.2: `invocation.configSource.uri` (`git+https://…@ref`). */
function predicateRepository(predicate: Record<string, unknown> | undefined): string | undefined {
  const workflow = record(record(record(predicate?.buildDefinition)?.externalParameters)?.workflow);
  if (typeof workflow?.repository === 'string') return workflow.repository;
  const uri = record(record(predicate?.invocation)?.configSource)?.uri;
  return typeof uri === 'string' ? uri.replace(/@(?:refs\/.*|[^@/]*)$/, '') : undefined;
}

/** The hex sha512 of an SRI string (pacote compares the statement's digest with ssri's hexDigest()). */
export function sha512Hex(integrity: string): string | undefined {
  const part = integrity
    .trim()
    .split(/\s+/)
    .find((entry) => entry.startsWith('sha512-'));
  return part === undefined ? undefined : Buffer.from(part.slice('sha512-'.length).replace(/\?.*$/, ''), 'base64').toString('hex');
}

/** The package URL npm signs provenance for: `pkg:npm/%40scope/name@version`, as npm-package-arg's toPurl writes it. */
export function npmPurl(name: string, version: string): string {
  return `pkg:npm/${name.replace(/^@/, '%40')}@${version}`;
}

/**
 * A repository as one comparable string: hosted git URLs (GitHub, GitLab, Bitbucket, shortcuts such as
 * `github:o/r`) by hosted-git-info, npm's own reader of them; other URLs without `git+`, `.git`, trailing slash and
 * case. Undefined when the value names no repository.
 */
export function repositoryKey(value: unknown): string | undefined {
  const url = typeof value === 'string' ? value : typeof record(value)?.url === 'string' ? (record(value)!.url as string) : undefined;
  if (!url?.trim()) return undefined;
  const hosted = hostedGitInfo.fromUrl(url.trim());
  if (hosted) return `${hosted.domain}/${hosted.user}/${hosted.project}`.toLowerCase();
  return url
    .trim()
    .replace(/^git\+/, '')
    .replace(/^[a-z+]+:\/\/(?:[^@/]*@)?/i, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .toLowerCase();
}

/**
 * The Fulcio certificate's SourceRepositoryURI extension (OID 1.3.6.1.4.1.57264.1.12), a DER UTF8String: the
 * repository whose CI identity signed, which the predicate (written by the build itself) cannot choose.
 */
export const SOURCE_REPOSITORY_OID = '1.3.6.1.4.1.57264.1.12';

export function derUtf8(value: Uint8Array): string | undefined {
  if (value[0] !== 0x0c || value.length < 2) return undefined;
  let length = value[1]!;
  let start = 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes < 1 || bytes > 2 || value.length < 2 + bytes) return undefined;
    length = bytes === 1 ? value[2]! : (value[2]! << 8) | value[3]!;
    start = 2 + bytes;
  }
  if (start + length !== value.length) return undefined;
  return Buffer.from(value.subarray(start)).toString('utf8');
}

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
