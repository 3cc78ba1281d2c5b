/** What a command may touch of the process: passed in, so tests can run the CLI in-process. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/** Exit codes, the CLI's contract: see README "Exit codes". */
export const EXIT = { clean: 0, findings: 1, input: 2, internal: 3, npm: 4 } as const;
