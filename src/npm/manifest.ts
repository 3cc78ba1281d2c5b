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
  readonly dist?: { readonly tarball?: string; readonly integrity?: string };
}
