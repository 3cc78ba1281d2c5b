/** The shapes of registry documents as depwarden reads them: untrusted data, every field optional. */

/** The fields depwarden reads; the partial mirror may lack any of them, so each is optional. */
export interface Packument {
  readonly name?: string;
  readonly versions?: Readonly<Record<string, VersionManifest>>;
  readonly time?: Readonly<Record<string, string>>;
  readonly 'dist-tags'?: Readonly<Record<string, string>>;
}

export interface VersionManifest {
  readonly name?: string;
  readonly version?: string;
  readonly scripts?: Readonly<Record<string, unknown>>;
  readonly dependencies?: Readonly<Record<string, unknown>>;
  readonly optionalDependencies?: Readonly<Record<string, unknown>>;
  readonly bin?: unknown;
  readonly repository?: unknown;
  readonly gypfile?: boolean;
  readonly dist?: {
    readonly tarball?: string;
    readonly integrity?: string;
    /** The registry's ECDSA signatures over `name@version:integrity`. */
    readonly signatures?: readonly RegistrySignature[];
    /** Provenance and publish attestations (npm >= 9.5 with --provenance): `{ url, provenance }`, verified by src/registry/attestations.ts. */
    readonly attestations?: unknown;
  };
}

export interface RegistrySignature {
  readonly keyid?: unknown;
  readonly sig?: unknown;
}

/** One key of a registry's `/-/npm/v1/keys`. */
export interface RegistryKey {
  readonly keyid: string;
  /** Base64 DER (SPKI) of an ECDSA P-256 public key. */
  readonly key: string;
  /** ISO time after which signatures made with it are no longer valid; null or absent when it never expires. */
  readonly expires: string | null | undefined;
}
