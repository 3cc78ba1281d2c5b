import { readFileSync } from 'node:fs';
import { EXIT, type CliIo } from './io.js';
import { TOOL } from './tool.js';
import { isInputError } from '../errors.js';
import { closest } from '../text/closest.js';
import { escapeText, neutraliseWorkflowCommands, redactCredentials } from '../text/escape.js';

const HELP = `Usage: depwarden <command> [options]

Stops malicious npm dependencies before they run.

Commands:
  check [dir]    check the project's lockfile (or node_modules) for dangerous dependencies
  vet <name>...  check package names before installing them (typo-, slop-squats, unregistered names)
  install [args] the gate before \`npm install\` (or pnpm, yarn, bun: the project's manager): check the
                 tree it would install, then install with only allowlisted install scripts
  ci [args]      the same gate before \`npm ci\`
  exec <spec>    the gate before \`npm exec\`: check the package and its tree, then run exactly
                 the version checked
  npx [args]     the same gate, with npx's own arguments (-y, -p/--package, -c)
  mcp [files]    check the MCP servers your AI clients start with npx & co.; --fix pins them
  review         check what a change (branch, pull request, diff) adds to the dependencies
  shims          write npm/npx/pnpm/yarn/bun shims that send installs through the gate (--remove)
  init           wire a project to depwarden: policy, .npmrc, package.json scripts, a CI job
  data update    download OSV's npm malware reports for --offline runs (data status: how old they are)
  help [command] show this help, or a command's
  --version      print depwarden's version

Exit codes: 0 clean, 1 findings at or above the failing severity, 2 usage or input error,
3 internal error (a bug: please report it), 4 npm itself failed (install, ci).

Run 'depwarden <command> --help' for a command's options.
`;

type Run = (argv: readonly string[], io: CliIo) => Promise<number>;

/**
 * Each command's module, imported when that command runs: the build splits them into chunks (scripts/bundle.mjs), so a
 * `check` does not load and compile the gate's, mcp's or review's code.
 */
const COMMANDS: Record<string, () => Promise<{ run: Run; help: string }>> = {
  check: async () => {
    const { CHECK_HELP, runCheck } = await import('./check.js');
    return { run: runCheck, help: CHECK_HELP };
  },
  vet: async () => {
    const { VET_HELP, runVet } = await import('./vet.js');
    return { run: (argv, io) => runVet(argv, io, () => readFileSync(0, 'utf8')), help: VET_HELP };
  },
  install: async () => {
    const { INSTALL_HELP, runInstall } = await import('./install.js');
    return { run: runInstall, help: INSTALL_HELP };
  },
  ci: async () => {
    const { CI_HELP, runCi } = await import('./install.js');
    return { run: runCi, help: CI_HELP };
  },
  exec: async () => {
    const { EXEC_HELP, runExec } = await import('./exec.js');
    return { run: runExec, help: EXEC_HELP };
  },
  npx: async () => {
    const { NPX_HELP, runNpx } = await import('./exec.js');
    return { run: runNpx, help: NPX_HELP };
  },
  mcp: async () => {
    const { MCP_HELP, runMcp } = await import('./mcp.js');
    return { run: runMcp, help: MCP_HELP };
  },
  init: async () => {
    const { INIT_HELP, runInit } = await import('./init.js');
    return { run: runInit, help: INIT_HELP };
  },
  review: async () => {
    const { REVIEW_HELP, runReview } = await import('./review.js');
    return { run: (argv, io) => runReview(argv, io, () => readFileSync(0, 'utf8')), help: REVIEW_HELP };
  },
  data: async () => {
    const { DATA_HELP, runData } = await import('./data.js');
    return { run: runData, help: DATA_HELP };
  },
  shims: async () => {
    const { SHIMS_HELP, runShims } = await import('./shims.js');
    return { run: runShims, help: SHIMS_HELP };
  },
  // What the shims run; not for people (not in HELP).
  shim: async () => {
    const { SHIMS_HELP, runShim } = await import('./shims.js');
    return { run: (argv, io) => runShim(argv, io, main), help: SHIMS_HELP };
  },
};

/** The one way in. Returns the exit code; only bin/ sets it on the process. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      const topic = command === 'help' ? rest[0] : undefined;
      if (topic !== undefined && !Object.hasOwn(COMMANDS, topic)) return unknownCommand(topic, io);
      io.stdout.write(topic !== undefined ? (await COMMANDS[topic]!()).help : HELP);
      return command === undefined ? EXIT.input : EXIT.clean;
    }
    if (command === '-v' || command === '--version') {
      io.stdout.write(`${TOOL.version}\n`);
      return EXIT.clean;
    }
    if (!Object.hasOwn(COMMANDS, command)) return unknownCommand(command, io);
    const { run } = await COMMANDS[command]!();
    return await run(rest, io);
  } catch (error) {
    if (isInputError(error)) {
      // An error may quote a URL the user gave (`--registry http://user:token@…`): credentials never reach a log.
      io.stderr.write(
        neutraliseWorkflowCommands(redactCredentials(`depwarden: ${error.file ? `${escapeText(error.file)}: ` : ''}${escapeText(error.message)}\n`)),
      );
      return EXIT.input;
    }
    const detail = io.env.DEPWARDEN_DEBUG ? `\n${(error as Error).stack ?? String(error)}` : ' (set DEPWARDEN_DEBUG=1 for details)';
    io.stderr.write(redactCredentials(`depwarden: internal error: ${escapeText((error as Error).message ?? String(error))}${detail}\n`));
    return EXIT.internal;
  }
}

function unknownCommand(command: string, io: CliIo): number {
  const guess = closest(command, [...Object.keys(COMMANDS), 'help']);
  io.stderr.write(`depwarden: unknown command "${escapeText(command)}"; ${guess ? `did you mean "${guess}"? Run` : 'run'} 'depwarden --help' for the list\n`);
  return EXIT.input;
}
