/**
 * A change must not judge itself: one that edits the policy (`.depwardenrc.json`, package.json#depwarden) or the
 * project's `.npmrc` (its registry) could turn off its own findings or point the registry at its own host. Review
 * then judges with the base's; the edited files are the reviewer's to approve, and a notice says so.
 */
import { RC_FILE } from '../config/load.js';
import type { FileSource } from '../tree/files.js';
import type { ChangeReader } from './change.js';
import type { Notice } from './context.js';

/** Makes a scratch folder holding these files (name -> text), for npm's config loader to read; I/O stays in the CLI. */
export type ScratchFolder = (files: Readonly<Record<string, string>>) => { readonly dir: string; dispose(): void };

export interface BaseConfig {
  /** Where the policy is read from: the base's files when the change edits the policy, else the given ones. */
  readonly policyFiles: FileSource;
  /** A folder holding the base's `.npmrc` (or none), for npm's configuration, when the change edits the project's. */
  readonly npmDir: string | undefined;
  readonly notices: Notice[];
  /** Removes the folder made for the base's `.npmrc`. */
  dispose(): void;
}

export function baseConfig(change: ChangeReader, files: FileSource, explicitPolicy: boolean, scratch: ScratchFolder): BaseConfig {
  const notices: Notice[] = [];
  const edited = (path: string, differs: (base: string | undefined, head: string | undefined) => boolean) =>
    change.changed.includes(path) && differs(change.read(path, 'base'), change.read(path, 'head'));
  const policyEdited =
    !explicitPolicy && (edited(RC_FILE, (base, head) => base !== head) || edited('package.json', (base, head) => policyKey(base) !== policyKey(head)));
  if (policyEdited) {
    notices.push({
      file: RC_FILE,
      message: "policy: the base's; this change edits the policy (.depwardenrc.json or package.json#depwarden): review it yourself",
    });
  }
  let folder: ReturnType<ScratchFolder> | undefined;
  if (edited('.npmrc', (base, head) => base !== head)) {
    const base = change.read('.npmrc', 'base');
    // A package.json stops npm's walk up for the project folder there: only the base's .npmrc is the project's.
    folder = scratch({ 'package.json': '{}', ...(base === undefined ? {} : { '.npmrc': base }) });
    notices.push({ file: '.npmrc', message: "npm config: the base's; this change edits .npmrc: review it yourself" });
  }
  const baseFiles: FileSource = { dir: files.dir, readText: (path) => change.read(path, 'base') };
  return {
    policyFiles: policyEdited ? baseFiles : files,
    npmDir: folder?.dir,
    notices,
    dispose: () => folder?.dispose(),
  };
}

/** package.json#depwarden as text to compare (undefined when absent or unreadable). */
function policyKey(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    const manifest = JSON.parse(text) as unknown;
    const policy = typeof manifest === 'object' && manifest !== null ? (manifest as Record<string, unknown>).depwarden : undefined;
    return policy === undefined ? undefined : JSON.stringify(policy);
  } catch {
    return text; // unreadable: compared as text, so a change to it counts as an edit
  }
}
