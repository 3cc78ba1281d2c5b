import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { ISOLATED_ENV } from './check.js';
import type { CliRun } from './cli.js';

/** A Writable that keeps what is written, as text. */
function collector(): Writable & { text: string } {
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      stream.text += chunk.toString();
      done();
    },
  }) as Writable & { text: string };
  stream.text = '';
  return stream;
}

/**
 * A home of its own for a test file: an empty npm cache and HOME in a temp folder, so nothing reads ~/.npm.
 * `env` is what CLI runs get; call `remove` when done.
 */
export function isolatedHome(): { env: Record<string, string>; dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'depwarden-home-'));
  const env = { ...ISOLATED_ENV, PATH: process.env.PATH ?? '', HOME: dir, npm_config_cache: join(dir, 'npm-cache') };
  return { env, dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The CLI's `main` in this process with captured streams: as the built CLI, without starting Node each time. */
export async function runMain(argv: readonly string[], env: Record<string, string>, cwd = process.cwd()): Promise<CliRun> {
  const stdout = collector();
  const stderr = collector();
  const status = await main(argv, { stdout, stderr, env, cwd });
  return { status, stdout: stdout.text, stderr: stderr.text };
}
