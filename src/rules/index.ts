import { aliasDependency } from './alias-dependency.js';
import { foreignRegistry } from './foreign-registry.js';
import { freshRelease } from './fresh-release.js';
import { gitDependency } from './git-dependency.js';
import { invalidSpec } from './invalid-spec.js';
import { insecureProtocol } from './insecure-protocol.js';
import { knownMalware } from './known-malware.js';
import { patchedDependency } from './patched-dependency.js';
import { provenanceDropped } from './provenance-dropped.js';
import { registrySignature } from './registry-signature.js';
import { installScript } from './install-script.js';
import { localDependency } from './local-dependency.js';
import { lockfileOutOfSync } from './lockfile-out-of-sync.js';
import { manifestDynamicDependency } from './manifest-dynamic-dependency.js';
import { missingIntegrity } from './missing-integrity.js';
import { nearMissName } from './near-miss-name.js';
import { resolvedMismatch } from './resolved-mismatch.js';
import { specResolutionMismatch } from './spec-resolution-mismatch.js';
import type { Rule } from './types.js';
import { undeclaredImport } from './undeclared-import.js';
import { unpinnedExec } from './unpinned-exec.js';
import { unreadablePackage } from './unreadable-package.js';
import { unregisteredName } from './unregistered-name.js';
import { unverified } from './unverified.js';
import { urlDependency } from './url-dependency.js';
import { versionDrift } from './version-drift.js';
import { weakIntegrity } from './weak-integrity.js';

/** Every rule, in the order their findings are listed at equal severity. The id is the file name. */
export const RULES: readonly Rule[] = [
  knownMalware,
  registrySignature,
  specResolutionMismatch,
  urlDependency,
  manifestDynamicDependency,
  installScript,
  versionDrift,
  provenanceDropped,
  nearMissName,
  unregisteredName,
  undeclaredImport,
  gitDependency,
  localDependency,
  patchedDependency,
  aliasDependency,
  insecureProtocol,
  foreignRegistry,
  resolvedMismatch,
  invalidSpec,
  unreadablePackage,
  missingIntegrity,
  weakIntegrity,
  freshRelease,
  lockfileOutOfSync,
  unpinnedExec,
  unverified,
];

export const RULE_IDS: ReadonlySet<string> = new Set(RULES.map((rule) => rule.id));
