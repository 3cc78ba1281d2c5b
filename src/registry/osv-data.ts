import { createRequire } from 'node:module';
import { lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { isMalware, parseAdvisory, type OsvAdvisory } from './osv.js';

const require = createRequire(import.meta.url);

/** The malware advisories of an OSV data set, by package name. */
export interface OsvIndex {
  readonly byName: ReadonlyMap<string, readonly OsvAdvisory[]>;
  /** How many malware advisories it holds (withdrawn ones included). */
  readonly count: number;
  /** The latest `modified` time of any advisory: how fresh the data set is. */
  readonly newest: string | undefined;
}

/** A single OSV JSON file larger than this is not an advisory (the largest real ones are tens of kilobytes). */
const MAX_ADVISORY_BYTES = 8 * 1024 * 1024;

/**
 * Reads an OSV data set: a zip as OSV exports it per ecosystem (`npm/all.zip`, one `<id>.json` per advisory),
 * or a folder of OSV JSON files at any depth (a checkout of ossf/malicious-packages: `osv/malicious/npm/<name>/MAL-….json`).
 * Only malware affecting npm packages is kept. Fail closed: a `.json` file that cannot be read as an OSV advisory (not
 * JSON, not an advisory, too large) is an input error naming it, since it may be the one report that matters and a
 * data set with a broken file is not what its owner thinks it is. Files of other names are no OSV data (a checkout's
 * README, LICENSE, scripts): skipped, and counted in the summary, never silently. A path that is neither a zip nor a
 * folder, or a data set with no advisory at all, is an input error too: never an empty pass.
 */
export async function loadOsvData(path: string): Promise<OsvIndex & { skipped: number }> {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) throw new InputError(`the OSV data ${path} does not exist`);
  const byName = new Map<string, OsvAdvisory[]>();
  let count = 0;
  let skipped = 0;
  let documents = 0;
  let newest: string | undefined;
  const unreadable = (file: string, why: string): InputError => new InputError(`the OSV data ${path} holds ${file}, which ${why}`);
  const take = (file: string, text: string | undefined): void => {
    if (!file.endsWith('.json')) {
      skipped++;
      return;
    }
    if (text === undefined) throw unreadable(file, `is larger than ${MAX_ADVISORY_BYTES / (1024 * 1024)} MiB: no OSV advisory is`);
    documents++;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw unreadable(file, 'is not valid JSON');
    }
    const advisory = parseAdvisory(value);
    if (!advisory) throw unreadable(file, 'is not an OSV advisory');
    if (!isMalware(value, advisory)) return;
    count++;
    if (
      advisory.modified !== undefined &&
      !Number.isNaN(Date.parse(advisory.modified)) &&
      (newest === undefined || Date.parse(advisory.modified) > Date.parse(newest))
    )
      newest = advisory.modified;
    for (const name of new Set(advisory.affected.map((entry) => entry.name))) {
      const list = byName.get(name) ?? [];
      list.push(advisory);
      byName.set(name, list);
    }
  };
  if (stat.isDirectory()) readFolder(path, take);
  else if (stat.isFile()) await readZip(path, take);
  else throw new InputError(`the OSV data ${path} is neither a zip nor a folder`);
  if (documents === 0) throw new InputError(`the OSV data ${path} holds no OSV JSON file`);
  return { byName, count, skipped, newest };
}

/** Each file under `dir`, by its path inside it; its text only when it is JSON by name and not too large. */
function readFolder(dir: string, take: (file: string, text: string | undefined) => void, prefix = ''): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const file = `${prefix}${entry.name}`;
    if (entry.isDirectory()) {
      // Dot folders (.git, .github) hold tooling, not data; node_modules another project's files.
      if (!entry.name.startsWith('.') && entry.name !== 'node_modules') readFolder(path, take, `${file}/`);
    } else if (entry.isFile()) {
      take(file, entry.name.endsWith('.json') && lstatSync(path).size <= MAX_ADVISORY_BYTES ? readFileSync(path, 'utf8') : undefined);
    }
  }
}

interface ZipEntry {
  readonly fileName: string;
  readonly uncompressedSize: number;
}
interface ZipFile {
  readEntry(): void;
  on(event: 'entry', listener: (entry: ZipEntry) => void): void;
  on(event: 'end', listener: () => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  openReadStream(entry: ZipEntry, callback: (error: Error | null, stream: NodeJS.ReadableStream) => void): void;
  close(): void;
}
type Yauzl = { open(path: string, options: { lazyEntries: boolean; autoClose: boolean }, callback: (error: Error | null, zip: ZipFile) => void): void };

/**
 * Reads each `.json` entry of a zip through yauzl (the zip OSV exports is hundreds of megabytes when unpacked: a
 * zip reader by hand would have to get the central directory, zip64 and streaming right; yauzl does, and is the
 * reader most of npm's ecosystem uses).
 */
function readZip(path: string, take: (file: string, text: string | undefined) => void): Promise<void> {
  const yauzl = require('yauzl') as Yauzl;
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void => reject(new InputError(`the OSV data ${path} is not a readable zip (${error.message})`));
    yauzl.open(path, { lazyEntries: true, autoClose: true }, (error, zip) => {
      if (error) return fail(error);
      zip.on('error', fail);
      zip.on('end', () => resolve());
      // An entry that cannot be taken ends the read with its error (an input error naming it).
      const taken = (file: string, text: string | undefined): boolean => {
        try {
          take(file, text);
          return true;
        } catch (error) {
          zip.close();
          reject(error as Error);
          return false;
        }
      };
      zip.on('entry', (entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry(); // a folder
        if (!entry.fileName.endsWith('.json') || entry.uncompressedSize > MAX_ADVISORY_BYTES) {
          return taken(entry.fileName, undefined) ? zip.readEntry() : undefined;
        }
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return fail(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', fail);
          stream.on('end', () => {
            if (taken(entry.fileName, Buffer.concat(chunks).toString('utf8'))) zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}
