/**
 * The largest JSON body depwarden reads from a registry or OSV: 256 MiB. The largest real packuments are tens of
 * megabytes (a package with thousands of versions); ten times that is still a packument, while a body past it is a
 * registry fault or an attack on the machine's memory (a 2 GB packument took 4 GB of memory and filled npm's cache).
 */
export const MAX_JSON_BYTES = 256 * 1024 * 1024;

/** A registry request abandoned by depwarden: its total deadline passed, or its body grew past the cap. */
export class BoundedFetchError extends Error {
  constructor(
    message: string,
    readonly code: 'ETIMEDOUT' | 'ETOOLARGE',
  ) {
    super(message);
  }
}

/** What one bounded request may take: `timeout` ms in all (connection, retries, headers and the whole body), `maxBytes` of body. */
export interface Bounds {
  readonly timeout: number;
  readonly maxBytes: number;
}

interface Body {
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}
type NpmFetch = (url: string, options: never) => Promise<{ headers: { get(name: string): string | null }; body: Body }>;

/**
 * A JSON answer read through npm-registry-fetch within a total deadline and a size cap. npm-registry-fetch's own
 * `timeout` bounds the wait for headers and for each pause, so a server that sends one byte every half second never
 * trips it; its `.json()` reads any size into memory. An AbortSignal (which npm-registry-fetch hands to
 * make-fetch-happen and minipass-fetch) ends the request at the deadline or at the cap. A Content-Length past the cap
 * is refused before any byte is read, so nothing of it reaches npm's cache. A body without one is cut at the cap:
 * cacache has written what came until then to a file in its tmp folder (`npm cache verify` clears it; at most about
 * the cap, where a 2 GB body was read whole), and stores nothing under the URL's key, since the write never ends.
 */
export async function fetchBoundedJson(npmFetch: NpmFetch, url: string, options: Record<string, unknown>, bounds: Bounds): Promise<unknown> {
  const cap = new AbortController();
  const tooLarge = (): BoundedFetchError => {
    cap.abort();
    return new BoundedFetchError(`the answer is larger than ${sizeText(bounds.maxBytes)}`, 'ETOOLARGE');
  };
  return withinDeadline(bounds.timeout, 'answer', async (deadline) => {
    const response = await npmFetch(url, { ...options, signal: AbortSignal.any([cap.signal, deadline]) } as never);
    const length = Number(response.headers.get('content-length') ?? Number.NaN);
    if (length > bounds.maxBytes) throw tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    // Events, not `for await`: minipass's async iterator adds listeners per chunk (a warning on a large packument).
    await new Promise<void>((resolve, reject) => {
      response.body.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > bounds.maxBytes) reject(tooLarge());
        else chunks.push(chunk);
      });
      response.body.on('end', resolve);
      response.body.on('error', reject);
    });
    return JSON.parse(Buffer.concat(chunks, size).toString('utf8')) as unknown;
  });
}

/**
 * `work` within a total deadline: it gets the deadline's signal to pass on, and the wait ends at the deadline with a
 * timeout error, even should a stream in between not pass the abort on (the race). An abort error that the deadline
 * caused is reported as the timeout; a size cap's error stays what it is.
 */
async function withinDeadline<T>(timeout: number, what: string, work: (deadline: AbortSignal) => Promise<T>): Promise<T> {
  const deadline = AbortSignal.timeout(timeout);
  const timedOut = (): BoundedFetchError => new BoundedFetchError(`timeout: no complete ${what} within ${timeout} ms`, 'ETIMEDOUT');
  let onDeadline = (): void => undefined;
  const stop = new Promise<never>((_, reject) => {
    onDeadline = () => reject(timedOut());
  });
  stop.catch(() => undefined);
  deadline.addEventListener('abort', onDeadline, { once: true });
  try {
    return await Promise.race([work(deadline), stop]);
  } catch (error) {
    if (deadline.aborted && !(error instanceof BoundedFetchError && error.code === 'ETOOLARGE')) throw timedOut();
    throw error;
  } finally {
    deadline.removeEventListener('abort', onDeadline);
  }
}

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MiB` : `${bytes} bytes`;
}

/**
 * The largest tarball depwarden downloads to read a package's install-script files, and the most it unpacks from one.
 * The largest real packages (prebuilt binaries for every platform) are a few hundred megabytes unpacked; past these a
 * tarball is a fault or an attack on the machine's memory and disk, and its scripts are reported as not read.
 */
export const MAX_TARBALL_BYTES = 256 * 1024 * 1024;
export const MAX_UNPACKED_BYTES = 1024 * 1024 * 1024;

interface TarEntry {
  readonly type: string;
  readonly size: number;
}
type TarExtract = (options: Record<string, unknown>) => NodeJS.WritableStream;
type TarballStream = (spec: string, handler: (stream: NodeJS.ReadableStream) => Promise<void>, options: Record<string, unknown>) => Promise<void>;

/**
 * pacote's tarball stream (integrity checked by pacote), within `timeout` in all and `maxBytes` downloaded, unpacked
 * by pacote's own tar into `dir` with pacote's options (`strip: 1`, no links, no owners, no modes), at most
 * `maxUnpacked` bytes. pacote.extract has no size cap: a tarball of gigabytes was downloaded and unpacked whole.
 */
export async function extractBoundedTarball(
  tarballStream: TarballStream,
  tarExtract: TarExtract,
  spec: string,
  dir: string,
  options: Record<string, unknown>,
  bounds: Bounds & { readonly maxUnpacked: number },
): Promise<void> {
  await withinDeadline(bounds.timeout, 'tarball', (deadline) =>
    tarballStream(
      spec,
      (stream) =>
        new Promise<void>((resolve, reject) => {
          let downloaded = 0;
          let unpacked = 0;
          let failed = false;
          const fail = (error: Error): void => {
            if (failed) return;
            failed = true;
            reject(error);
            (stream as unknown as { destroy?: (error?: Error) => void }).destroy?.(error);
          };
          const extractor = tarExtract({
            cwd: dir,
            strip: 1,
            noChmod: true,
            noMtime: true,
            preserveOwner: false,
            filter: (_path: string, entry: TarEntry) => {
              if (/Link$/.test(entry.type)) return false;
              unpacked += entry.size ?? 0;
              if (unpacked > bounds.maxUnpacked) {
                fail(new BoundedFetchError(`the tarball unpacks to more than ${sizeText(bounds.maxUnpacked)}`, 'ETOOLARGE'));
                return false;
              }
              return true;
            },
          });
          stream.on('data', (chunk: Buffer) => {
            downloaded += chunk.length;
            if (downloaded > bounds.maxBytes) fail(new BoundedFetchError(`the tarball is larger than ${sizeText(bounds.maxBytes)}`, 'ETOOLARGE'));
          });
          stream.on('error', fail);
          extractor.on('error', fail);
          extractor.on('close', () => resolve());
          extractor.on('finish', () => resolve());
          stream.pipe(extractor);
        }),
      { ...options, signal: deadline },
    ),
  );
}

/** OSV's npm export (`depwarden data update`): tens of megabytes today; a gigabyte is no export of malware reports. */
export const MAX_EXPORT_BYTES = 1024 * 1024 * 1024;
/** The whole download of the export, over a slow link included. */
export const EXPORT_TIMEOUT = 10 * 60 * 1000;

/**
 * A download to `file` through npm-registry-fetch within a total deadline and a size cap, as fetchBoundedJson reads
 * JSON: a Content-Length past the cap is refused before any byte is read, a body without one is cut at the cap.
 */
export async function downloadBounded(npmFetch: NpmFetch, url: string, options: Record<string, unknown>, bounds: Bounds, file: string): Promise<void> {
  const cap = new AbortController();
  // The error is made before the abort: aborting makes the body fail at once with "The user aborted a request".
  let cut: BoundedFetchError | undefined;
  const tooLarge = (): BoundedFetchError => {
    cut = new BoundedFetchError(`the answer is larger than ${sizeText(bounds.maxBytes)}`, 'ETOOLARGE');
    cap.abort();
    return cut;
  };
  await withinDeadline(bounds.timeout, 'answer', async (deadline) => {
    const response = await npmFetch(url, { ...options, signal: AbortSignal.any([cap.signal, deadline]) } as never);
    const length = Number(response.headers.get('content-length') ?? Number.NaN);
    if (length > bounds.maxBytes) throw tooLarge();
    const { createWriteStream } = await import('node:fs');
    const out = createWriteStream(file);
    let size = 0;
    try {
      await new Promise<void>((resolve, reject) => {
        response.body.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > bounds.maxBytes) reject(tooLarge());
          else out.write(chunk);
        });
        response.body.on('end', resolve);
        response.body.on('error', (error) => reject(cut ?? error));
        out.on('error', reject);
      });
    } finally {
      await new Promise<void>((resolve) => out.end(resolve));
    }
  });
}
