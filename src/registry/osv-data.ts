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
 * Only malware affecting npm packages is kept. A file that is not OSV JSON is skipped and counted; a path that is
 * neither a zip nor a folder, or a data set with no advisory at all, is an input error: never an empty pass.
 */
export async function loadOsvData(path: string): Promise<OsvIndex & { skipped: number }> {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) throw new InputError(`the OSV data ${path} does not exist`);
  const byName = new Map<string, OsvAdvisory[]>();
  let count = 0;
  let skipped = 0;
  let documents = 0;
  let newest: string | undefined;
  const take = (text: string): void => {
    documents++;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      skipped++;
      return;
    }
    const advisory = parseAdvisory(value);
    if (!advisory) {
      skipped++;
      return;
    }
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

function readFolder(dir: string, take: (text: string) => void): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '.git' && entry.name !== 'node_modules') readFolder(path, take);
    } else if (entry.isFile() && entry.name.endsWith('.json') && lstatSync(path).size <= MAX_ADVISORY_BYTES) {
      take(readFileSync(path, 'utf8'));
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
function readZip(path: string, take: (text: string) => void): Promise<void> {
  const yauzl = require('yauzl') as Yauzl;
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void => reject(new InputError(`the OSV data ${path} is not a readable zip (${error.message})`));
    yauzl.open(path, { lazyEntries: true, autoClose: true }, (error, zip) => {
      if (error) return fail(error);
      zip.on('error', fail);
      zip.on('end', () => resolve());
      zip.on('entry', (entry) => {
        if (!entry.fileName.endsWith('.json') || entry.uncompressedSize > MAX_ADVISORY_BYTES) return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return fail(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', fail);
          stream.on('end', () => {
            take(Buffer.concat(chunks).toString('utf8'));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}
