/** The commands `depwarden shims` stands in for. */
export const SHIM_TOOLS = ['npm', 'npx', 'pnpm', 'pnpx', 'yarn', 'bun', 'bunx'] as const;
export type ShimTool = (typeof SHIM_TOOLS)[number];

/** The line every shim carries: `depwarden shims --remove` deletes only files that have it. */
export const SHIM_MARK = 'depwarden-shim v1';

/**
 * The subcommands a shim sends to depwarden (the rest go straight to the real tool, with no node start): every
 * way each tool installs, fetches or builds packages, and any leading option (`npm --prefix x install`), which
 * only depwarden's parser can place. yarn with no subcommand installs.
 */
const GATED_WORDS: Record<ShimTool, readonly string[] | 'all'> = {
  npm: [
    ...['install', 'i', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isnta', 'isntal', 'isntall', 'add'],
    ...['ci', 'clean-install', 'ic', 'install-clean', 'isntall-clean', 'install-test', 'it', 'install-ci-test', 'cit'],
    ...['exec', 'x', 'update', 'up', 'upgrade', 'udpate', 'rebuild', 'rb', 'create', 'init', 'innit'],
  ],
  npx: 'all',
  pnpx: 'all',
  bunx: 'all',
  pnpm: ['install', 'i', 'add', 'dlx', 'update', 'up', 'upgrade', 'rebuild', 'rb', 'create', 'install-test', 'it', 'import'],
  yarn: ['', 'install', 'add', 'dlx', 'up', 'upgrade', 'upgrade-interactive', 'rebuild', 'create', 'global'],
  bun: ['install', 'i', 'add', 'a', 'x', 'update', 'create', 'c', 'pm'],
};

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
export function shimScript(tool: ShimTool, target: ShimTarget): string {
  const gated = GATED_WORDS[tool];
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

const NPM_INSTALL = new Set(['install', 'i', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isnta', 'isntal', 'isntall', 'add']);
const NPM_CI = new Set(['ci', 'clean-install', 'ic', 'install-clean', 'isntall-clean']);

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
export function routeShim(tool: ShimTool, argv: readonly string[], npmPositionals: (args: readonly string[]) => string[]): ShimRoute {
  if (tool === 'npx' || tool === 'pnpx' || tool === 'bunx') return { kind: 'depwarden', argv: ['npx', ...argv] };
  if (tool === 'npm') {
    const word = npmPositionals(argv)[0];
    const at = word === undefined ? -1 : argv.indexOf(word);
    const rest = at === -1 ? [...argv] : [...argv.slice(0, at), ...argv.slice(at + 1)];
    if (word === undefined) return { kind: 'pass' };
    if ((NPM_INSTALL.has(word) || NPM_CI.has(word)) && isGlobal(rest)) return notGated(`npm ${word} --global`);
    if (NPM_INSTALL.has(word)) return { kind: 'depwarden', argv: ['install', '--manager', 'npm', ...rest] };
    if (NPM_CI.has(word)) return { kind: 'depwarden', argv: ['ci', '--manager', 'npm', ...rest] };
    if (word === 'exec' || word === 'x') return { kind: 'depwarden', argv: ['npx', ...npxArgs(rest)] };
    if (['init', 'innit', 'create'].includes(word) && (word === 'create' || npmPositionals(rest).length > 0)) return notGated(`npm ${word} <initializer>`);
    if (GATED_WORDS.npm !== 'all' && GATED_WORDS.npm.includes(word) && !['init', 'innit'].includes(word)) return notGated(`npm ${word}`);
    return { kind: 'pass' };
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
