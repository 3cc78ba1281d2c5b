import { DEFAULT_POLICY, parsePolicy, type Policy } from './policy.js';
import { InputError } from '../errors.js';
import { parseJsonText } from '../json.js';
import type { FileSource } from '../tree/files.js';

export const RC_FILE = '.depwardenrc.json';

/**
 * The policy comes from `--config FILE`, else `.depwardenrc.json`, else the `depwarden` key of package.json.
 * It is data only: never executed. Two sources at once is ambiguous and an error.
 */
export function loadPolicy(files: FileSource, ruleIds: ReadonlySet<string>, explicit?: { files: FileSource; path: string }): Policy {
  if (explicit) {
    const text = explicit.files.readText(explicit.path);
    if (text === undefined) throw new InputError('does not exist', explicit.path);
    return parsePolicy(parseJsonText(text, explicit.path), explicit.path, ruleIds);
  }
  const rcText = files.readText(RC_FILE);
  const manifestText = files.readText('package.json');
  const inManifest = manifestText === undefined ? undefined : manifestKey(manifestText);
  if (rcText !== undefined && inManifest !== undefined) {
    throw new InputError(`both ${RC_FILE} and package.json#depwarden hold a depwarden config; keep one`);
  }
  if (rcText !== undefined) return parsePolicy(parseJsonText(rcText, RC_FILE), RC_FILE, ruleIds);
  if (inManifest !== undefined) return parsePolicy(inManifest, 'package.json#depwarden', ruleIds);
  return DEFAULT_POLICY;
}

function manifestKey(text: string): unknown {
  try {
    const manifest = JSON.parse(text) as unknown;
    return typeof manifest === 'object' && manifest !== null ? (manifest as Record<string, unknown>).depwarden : undefined;
  } catch {
    return undefined; // the tree loader reports a broken package.json with its own message
  }
}
