import { createHash, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fulcioHandler, initializeCA, initializeCTLog, initializeTLog, rekorHandler } from '@sigstore/mock';
import { HashAlgorithm, PublicKeyDetails, TrustedRoot } from '@sigstore/protobuf-specs';
import { bundleToJSON } from '@sigstore/bundle';
import { DSSEBundleBuilder, RekorWitness, type Signer } from '@sigstore/sign';
import { attest } from 'sigstore';

/**
 * A Sigstore of its own for tests, from @sigstore/mock: a Fulcio CA (with its CT log) and a Rekor log made at
 * start, served on 127.0.0.1 in this process, so sigstore's own signing code makes real bundles; and the
 * trusted_root.json that names them, which depwarden is given instead of the public one. Nothing leaves the machine.
 */
export interface MockSigstore {
  /** A bundle as npm's provenance is (DSSE, in-toto statement, keyless), signed by a CI identity of `repository` (`owner/name`). */
  provenance(statement: object, repository: string): Promise<unknown>;
  /** A bundle as npm's publish attestation is: signed with a registry key (`keyid` as /-/npm/v1/keys lists it), logged in Rekor. */
  publishAttestation(statement: object, privateKey: KeyObject, keyid: string): Promise<unknown>;
  /** The trusted root naming this CA and these logs, as Sigstore's TUF repository publishes one. */
  readonly trustedRoot: unknown;
  close(): Promise<void>;
}

export async function startMockSigstore(): Promise<MockSigstore> {
  const keyPair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const ctLog = await initializeCTLog(keyPair);
  const ca = await initializeCA(keyPair, ctLog);
  // The log is made once the server's URL is known: it names the log in its entries.
  const handlers: { fulcio?: ReturnType<typeof fulcioHandler>; rekor?: ReturnType<typeof rekorHandler> } = {};
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const handler = request.url === handlers.fulcio!.path ? handlers.fulcio! : handlers.rekor!;
      void handler.fn(body).then(({ statusCode, response: text, contentType }) => {
        response.writeHead(statusCode, { 'content-type': contentType ?? 'application/json' });
        response.end(text);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tLog = await initializeTLog(url, keyPair);
  handlers.fulcio = fulcioHandler(ca);
  handlers.rekor = rekorHandler(tLog);
  const start = new Date(Date.now() - 60_000);
  const key = (rawBytes: Buffer) => ({ rawBytes, keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256, validFor: { start } });
  const trustedRoot = TrustedRoot.toJSON({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: url,
        hashAlgorithm: HashAlgorithm.SHA2_256,
        publicKey: key(tLog.publicKey),
        logId: { keyId: createHash('sha256').update(tLog.publicKey).digest() },
        checkpointKeyId: undefined,
        operator: 'sigstore.mock',
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: url,
        certChain: { certificates: [{ rawBytes: Buffer.from(ca.rootCertificate.buffer) }] },
        validFor: { start },
        operator: 'sigstore.mock',
      },
    ],
    ctlogs: [
      {
        baseUrl: url,
        hashAlgorithm: HashAlgorithm.SHA2_256,
        publicKey: key(ctLog.publicKey),
        logId: { keyId: Buffer.from(ctLog.logID.buffer) },
        checkpointKeyId: undefined,
        operator: 'sigstore.mock',
      },
    ],
    timestampAuthorities: [],
  });
  const base64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return {
    trustedRoot,
    async provenance(statement, repository) {
      // An unsigned token as GitHub Actions' would read: the mock Fulcio takes its claims into the certificate.
      const claims = {
        iss: 'https://token.actions.githubusercontent.com',
        sub: `https://github.com/${repository}/.github/workflows/release.yml@refs/heads/main`,
        repository,
      };
      const identityToken = `${base64url({ alg: 'none' })}.${base64url(claims)}.`;
      // legacyCompatibility: a v0.2 bundle with an intoto log entry, as npm's provenance has.
      return attest(Buffer.from(JSON.stringify(statement)), 'application/vnd.in-toto+json', {
        fulcioURL: url,
        rekorURL: url,
        identityToken,
        legacyCompatibility: true,
      });
    },
    async publishAttestation(statement, privateKey, keyid) {
      const signer: Signer = {
        sign: async (data) => ({
          signature: sign('sha256', data, privateKey),
          key: { $case: 'publicKey', publicKey: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString(), hint: keyid },
        }),
      };
      const builder = new DSSEBundleBuilder({ signer, witnesses: [new RekorWitness({ rekorBaseURL: url, entryType: 'intoto' })] });
      return bundleToJSON(await builder.create({ data: Buffer.from(JSON.stringify(statement)), type: 'application/vnd.in-toto+json' }));
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** An in-toto statement as npm's publish attestation writes it. */
export function publishStatement(purl: string, sha512: string): object {
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: purl, digest: { sha512 } }],
    predicateType: 'https://github.com/npm/attestation/tree/main/specs/publish/v0.1',
    predicate: { name: purl.replace(/^pkg:npm\/|@[^@]*$/g, ''), version: purl.replace(/^.*@/, ''), registry: 'https://registry.example.test' },
  };
}

/** An in-toto statement as npm's provenance (SLSA v1) writes it, for `name@version` with this tarball sha512 (hex). */
export function provenanceStatement(purl: string, sha512: string, repository: string): object {
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: purl, digest: { sha512 } }],
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: {
      buildDefinition: {
        buildType: 'https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1',
        externalParameters: { workflow: { ref: 'refs/heads/main', repository: `https://github.com/${repository}`, path: '.github/workflows/release.yml' } },
      },
      runDetails: { builder: { id: 'https://github.com/actions/runner/github-hosted' } },
    },
  };
}
