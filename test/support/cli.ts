import { spawnSync } from 'node:child_process';
import { BIN, ROOT } from './paths.js';
import { ISOLATED_ENV } from './check.js';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would, with npm configuration isolated from this machine's. */
export function depwarden(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): CliRun {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    env: { ...ISOLATED_ENV, ...options.env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
