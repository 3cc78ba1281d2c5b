import { DEFAULT_CLIENT, RegistryClient } from '../registry/client.js';
import { savedDataDownloaded, updateSavedData } from '../registry/advisories.js';
import { loadNpmSettings } from '../registry/npm-config.js';
import { DEFAULT_OSV_EXPORT_URL } from '../registry/osv.js';
import { InputError } from '../errors.js';
import { savedDataDir } from './analyze.js';

export interface DataUpdate {
  readonly count: number;
  /** The latest `modified` time of a malware advisory in the export: how fresh OSV's data is. */
  readonly newest: string | undefined;
  readonly path: string;
}

/**
 * `depwarden data update`: OSV's npm export into depwarden's folder beside npm's cache, for --offline runs.
 * Fetched with npm's network settings (proxy, CA), so it works where npm does.
 */
export async function updateAdvisoryData(options: { dir: string; env: NodeJS.ProcessEnv; url?: string | undefined; now?: Date }): Promise<DataUpdate> {
  const npm = await loadNpmSettings(options.dir, options.env);
  const dir = savedDataDir(npm);
  if (!dir) throw new InputError('npm has no cache folder configured, so there is nowhere to keep the OSV data');
  const client = new RegistryClient({ npm, offline: false, timeout: DEFAULT_CLIENT.timeout, concurrency: 1, retries: DEFAULT_CLIENT.retries });
  return updateSavedData(client, { url: options.url ?? DEFAULT_OSV_EXPORT_URL, dir, now: options.now ?? new Date() });
}

/** When the saved OSV export was downloaded, if there is one. */
export async function savedDataAge(options: { dir: string; env: NodeJS.ProcessEnv }): Promise<{ path: string; downloaded: Date } | undefined> {
  const npm = await loadNpmSettings(options.dir, options.env);
  const dir = savedDataDir(npm);
  return dir === undefined ? undefined : savedDataDownloaded(dir);
}
