/** The commands `depwarden shims` stands in for. */
export const SHIM_TOOLS = ['npm', 'npx', 'pnpm', 'pnpx', 'yarn', 'bun', 'bunx'] as const;
export type ShimTool = (typeof SHIM_TOOLS)[number];

/** The line every shim carries: `depwarden shims --remove` deletes only files that have it. */
export const SHIM_MARK = 'depwarden-shim v1';

/**
 * The subcommands a shim sends to depwarden (the rest go straight to the real tool, with no node start): every
 * way each tool installs, fetches or builds packages, and any leading option (`npm --prefix x install`), which
 * only depwarden's parser can place. yarn with no subcommand installs. npm's are every spelling npm takes for its
 * commands of that kind, from npm's own command list (npmGatedWords).
 */
const GATED_WORDS: Record<Exclude<ShimTool, 'npm'>, readonly string[] | 'all'> = {
  npx: 'all',
  pnpx: 'all',
  bunx: 'all',
  pnpm: [
    ...['install', 'i', 'add', 'dlx', 'update', 'up', 'upgrade', 'rebuild', 'rb', 'create', 'install-test', 'it', 'import'],
    ...['dedupe', 'deploy', 'patch-commit', 'remove', 'rm', 'uninstall', 'un'],
  ],
  yarn: ['', 'install', 'add', 'dlx', 'up', 'upgrade', 'upgrade-interactive', 'rebuild', 'create', 'global', 'dedupe', 'workspaces', 'remove'],
  bun: ['install', 'i', 'add', 'a', 'x', 'update', 'create', 'c', 'pm', 'link', 'remove', 'rm'],
};

/** npm's command list (its lib/utils/cmd-list.js), from the npm that runs: its commands, aliases and `deref`. */
export interface NpmCommandList {
  readonly commands: readonly string[];
  readonly aliases: Readonly<Record<string, string>>;
  /** npm's reading of a command word: camelCase, an alias or a unique abbreviation to the command; else undefined. */
  deref(word: string): string | undefined;
}

/** npm's commands that install, fetch, build or run packages: routed through the gate or refused, never passed on. */
const NPM_GATED_COMMANDS = new Set(['install', 'ci', 'install-test', 'install-ci-test', 'exec', 'update', 'rebuild', 'init', 'dedupe', 'link']);

/**
 * Every lowercase word npm reads as one of its gated commands: the names, the aliases and each prefix of them that
 * npm's deref takes (its abbreviations), asked of npm's own deref. camelCase spellings (`installTest`) are
 * the shim's `*[A-Z]*` case: depwarden derefs them.
 */
export function npmGatedWords(npm: NpmCommandList): string[] {
  const words = new Set<string>();
  for (const word of [...npm.commands, ...Object.keys(npm.aliases)]) {
    for (let end = 1; end <= word.length; end++) {
      const prefix = word.slice(0, end);
      const command = npm.deref(prefix);
      if (command !== undefined && NPM_GATED_COMMANDS.has(command)) words.add(prefix);
    }
  }
  return [...words].sort();
}

const shQuote = (text: string): string => `'${text.replaceAll("'", "'\\''")}'`;

export interface ShimTarget {
  /** The node executable and depwarden's bin script that gated commands run. */
  readonly node: string;
  readonly bin: string;
  /** The folder the shim lives in: skipped when it looks for the real tool. */
  readonly dir: string;
}

/**
 * A POSIX sh shim. Gated subcommands exec `depwarden shim <tool> …` with the shim folder named, so that
 * depwarden leaves it off PATH for the tools it runs (no loop); everything else execs the first `<tool>` on PATH
 * that is not in the shim folder, with PATH unchanged, so nested installs (a script that runs `pnpm add`) meet
 * the shims again.
 */
export function shimScript(tool: ShimTool, target: ShimTarget, npmWords: readonly string[]): string {
  const gated = tool === 'npm' ? [...npmWords, '*[A-Z]*'] : GATED_WORDS[tool];
  const toDepwarden = `DEPWARDEN_SHIM_DIR=${shQuote(target.dir)} exec ${shQuote(target.node)} ${shQuote(target.bin)} shim ${tool} "$@"`;
  const lines = [
    '#!/bin/sh',
    `# ${SHIM_MARK}: written by \`depwarden shims\`; \`depwarden shims --remove\` deletes it.`,
    `# \`${tool}\` ${gated === 'all' ? 'always goes' : 'install-like subcommands go'} through depwarden's gate${gated === 'all' ? '' : `; the rest go to the real ${tool} on PATH after this folder`}.`,
  ];
  if (gated === 'all') return [...lines, toDepwarden, ''].join('\n');
  const words = [...gated.map((word) => (word === '' ? "''" : word)), '-*'].join('|');
  return [
    ...lines,
    `shim_dir=${shQuote(target.dir)}`,
    `case "\${1-}" in`,
    `  ${words}) ${toDepwarden} ;;`,
    'esac',
    'real=$(',
    '  IFS=:',
    '  set -f',
    '  for dir in $PATH; do',
    '    [ -n "$dir" ] || dir=.',
    '    case "$dir" in "$shim_dir" | "$shim_dir/") continue ;; esac',
    `    if [ -f "$dir/${tool}" ] && [ -x "$dir/${tool}" ]; then printf '%s\\n' "$dir/${tool}"; break; fi`,
    '  done',
    ')',
    `[ -n "$real" ] || { echo "depwarden shim: no ${tool} on PATH after $shim_dir" >&2; exit 127; }`,
    'exec "$real" "$@"',
    '',
  ].join('\n');
}

/** A Windows .cmd shim: every call goes through depwarden, which passes the rest on to the real tool. */
export function shimCmd(tool: ShimTool, target: ShimTarget): string {
  return [
    '@echo off',
    `rem ${SHIM_MARK}: written by \`depwarden shims\`; \`depwarden shims --remove\` deletes it.`,
    `set "DEPWARDEN_SHIM_DIR=${target.dir}"`,
    `"${target.node}" "${target.bin}" shim ${tool} %*`,
    '',
  ].join('\r\n');
}

/** What a shimmed command becomes: depwarden's arguments, the real tool's, or a refusal. */
export type ShimRoute =
  { readonly kind: 'depwarden'; readonly argv: readonly string[] } | { readonly kind: 'pass' } | { readonly kind: 'refuse'; readonly reason: string };

/** How depwarden reads an npm command line: npm's own argument parser and command list. */
export interface NpmReader {
  positionals(args: readonly string[]): string[];
  deref(word: string): string | undefined;
}

/** Options of each tool that take a value, so that the subcommand after them is found (npm's come from npm's own parser). */
const VALUE_OPTIONS: Record<'pnpm' | 'yarn' | 'bun', ReadonlySet<string>> = {
  pnpm: new Set(['-C', '--dir', '--filter', '-F', '--reporter', '--loglevel', '--store-dir']),
  yarn: new Set(['--cwd', '--modules-folder', '--cache-folder', '--registry', '--mutex', '--network-timeout']),
  bun: new Set(['--cwd', '-c', '--config', '--filter']),
};

/** The subcommand and the arguments without it. */
function splitSubcommand(argv: readonly string[], valueOptions: ReadonlySet<string>): { word: string | undefined; rest: string[] } {
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--') break;
    if (arg.startsWith('-')) {
      if (!arg.includes('=') && valueOptions.has(arg)) index++;
      continue;
    }
    return { word: arg, rest: [...argv.slice(0, index), ...argv.slice(index + 1)] };
  }
  return { word: undefined, rest: [...argv] };
}

const isGlobal = (args: readonly string[]) => args.some((arg) => arg === '-g' || arg === '--global' || arg === '--location=global');
const without = (args: readonly string[], flags: readonly string[]) => args.filter((arg) => !flags.includes(arg));
/** npm exec's `--` before the command is npx's plain command. */
const npxArgs = (args: readonly string[]) => {
  const index = args.indexOf('--');
  return index === -1 ? [...args] : [...args.slice(0, index), ...args.slice(index + 1)];
};
const notGated = (command: string) => ({
  kind: 'refuse' as const,
  reason: `\`${command}\` is not gated by depwarden: run it with the real tool (its full path) if you mean it, or use \`depwarden install\`/\`exec\``,
});

/**
 * Where a shimmed command goes. Installs become `depwarden install`/`ci --manager <tool>`, fetch-and-run commands
 * (`npm exec`, `pnpm dlx`, `yarn dlx`, `bun x`, npx, pnpx, bunx) become `depwarden npx` (judged as npm exec
 * would fetch them, and the checked tree run by npm); commands that install or build what depwarden cannot judge first
 * (update, rebuild, create, global installs) are refused, never passed on silently. `npmPositionals` is npm's own
 * argument parser.
 */
export function routeShim(tool: ShimTool, argv: readonly string[], npm: NpmReader): ShimRoute {
  if (tool === 'npx' || tool === 'pnpx' || tool === 'bunx') return { kind: 'depwarden', argv: ['npx', ...argv] };
  if (tool === 'npm') {
    const word = npm.positionals(argv)[0];
    if (word === undefined) return { kind: 'pass' };
    const at = argv.indexOf(word);
    const rest = [...argv.slice(0, at), ...argv.slice(at + 1)];
    const command = npm.deref(word);
    if (command === undefined || !NPM_GATED_COMMANDS.has(command)) return { kind: 'pass' };
    if ((command === 'install' || command === 'ci') && isGlobal(rest)) return notGated(`npm ${word} --global`);
    if (command === 'install') return { kind: 'depwarden', argv: ['install', '--manager', 'npm', ...rest] };
    if (command === 'ci') return { kind: 'depwarden', argv: ['ci', '--manager', 'npm', ...rest] };
    if (command === 'exec') return { kind: 'depwarden', argv: ['npx', ...npxArgs(rest)] };
    // `npm init` alone writes a package.json; with an initializer it runs `npm exec create-<name>`. `npm link` alone
    // links this project; with names it installs them globally first.
    if ((command === 'init' || command === 'link') && npm.positionals(rest).length === 0) return { kind: 'pass' };
    return notGated(command === 'init' ? `npm ${word} <initializer>` : command === 'link' ? `npm ${word} <package>` : `npm ${word}`);
  }
  const { word, rest } = splitSubcommand(argv, VALUE_OPTIONS[tool]);
  const gate = (frozen: readonly string[]): ShimRoute => {
    if (isGlobal(rest)) return notGated(`${tool} ${word ?? ''} --global`);
    const ci = rest.some((arg) => frozen.includes(arg));
    return { kind: 'depwarden', argv: [ci ? 'ci' : 'install', '--manager', tool, ...without(rest, frozen)] };
  };
  switch (tool) {
    case 'pnpm':
      if (word === 'install' || word === 'i' || word === 'add') return gate(word === 'add' ? [] : ['--frozen-lockfile']);
      if (word === 'dlx') return { kind: 'depwarden', argv: ['npx', ...rest] };
      break;
    case 'yarn':
      if (word === undefined || word === 'install' || word === 'add') return gate(word === 'add' ? [] : ['--frozen-lockfile', '--immutable']);
      if (word === 'dlx') return { kind: 'depwarden', argv: ['npx', ...rest] };
      break;
    case 'bun':
      if (word === 'install' || word === 'i' || word === 'add' || word === 'a') return gate(word === 'add' || word === 'a' ? [] : ['--frozen-lockfile']);
      if (word === 'x') return { kind: 'depwarden', argv: ['npx', ...rest] };
      // `bun pm trust` runs the install scripts bun blocked; the other `bun pm` commands only read.
      if (word === 'pm') return rest.find((arg) => !arg.startsWith('-')) === 'trust' ? notGated('bun pm trust') : { kind: 'pass' };
      break;
  }
  // `yarn workspaces focus` installs the named workspaces; the other `workspaces` commands list or run scripts.
  if (tool === 'yarn' && word === 'workspaces')
    return rest.find((arg) => !arg.startsWith('-')) === 'focus' ? notGated('yarn workspaces focus') : { kind: 'pass' };
  const gated = GATED_WORDS[tool];
  return word !== undefined && gated !== 'all' && gated.includes(word) ? notGated(`${tool} ${word}`) : { kind: 'pass' };
}

/**
 * The first `name` on a PATH value that is not in a skipped folder (the shim folder): what the shell would run
 * without the shims. `isExecutable` is the disk's answer; `extensions` are Windows' PATHEXT (`.cmd`, `.exe`).
 */
export function findTool(
  name: string,
  pathValue: string | undefined,
  options: {
    skip?: string | undefined;
    delimiter: string;
    extensions?: readonly string[];
    isExecutable: (path: string) => boolean;
    join: (dir: string, file: string) => string;
  },
): string | undefined {
  const skip = options.skip?.replace(/[\\/]+$/, '');
  for (const entry of (pathValue ?? '').split(options.delimiter)) {
    const dir = entry === '' ? '.' : entry;
    if (skip !== undefined && dir.replace(/[\\/]+$/, '') === skip) continue;
    for (const extension of options.extensions ?? ['']) {
      const candidate = options.join(dir, `${name}${extension}`);
      if (options.isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

/** A PATH value without one folder: for the tools depwarden starts from a shim, so that they never reach it again. */
export function pathWithout(pathValue: string | undefined, dir: string, delimiter: string): string {
  const skip = dir.replace(/[\\/]+$/, '');
  return (pathValue ?? '')
    .split(delimiter)
    .filter((entry) => entry.replace(/[\\/]+$/, '') !== skip)
    .join(delimiter);
}

/** The line for the user's shell profile (PowerShell's $PROFILE on Windows) that puts the shims first on PATH. */
export function profileLine(dir: string, platform: NodeJS.Platform): string {
  return platform === 'win32' ? `$env:PATH = "${dir};" + $env:PATH` : `export PATH=${shQuote(dir)}:"$PATH"`;
}
