import { spawn, spawnSync } from 'node:child_process';
import { BIN, ROOT } from './paths.js';
import { ISOLATED_ENV } from './check.js';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would, with npm configuration isolated from this machine's. */
export function depwarden(args: readonly string[], options: { cwd?: string; env?: Record<string, string>; timeout?: number } = {}): CliRun {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    env: { ...ISOLATED_ENV, ...options.env },
    // A run that hangs is killed (status null), so a test of "never hangs" fails instead of blocking the suite.
    ...(options.timeout === undefined ? {} : { timeout: options.timeout, killSignal: 'SIGKILL' as const }),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The built CLI without blocking this process: for tests whose servers (a fault route, a local registry's
 * helpers) live in the test process and must keep answering while the CLI runs.
 */
export function depwardenAsync(args: readonly string[], options: { cwd: string; env: Record<string, string | undefined> }): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: { ...ISOLATED_ENV, ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * The CLI's `main` in this process (runMain), with the same isolated environment as `depwarden`: for tests where
 * a spawned CLI proves nothing more (the launcher itself is tested spawned).
 */
export async function depwardenInProcess(args: readonly string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<CliRun> {
  const { runMain } = await import('./in-process.js');
  const env = Object.fromEntries(Object.entries({ ...ISOLATED_ENV, ...options.env }).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return runMain(args, env, options.cwd ?? ROOT);
}
