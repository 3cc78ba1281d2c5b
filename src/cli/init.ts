import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommandArgs } from './args.js';
import { EXIT, type CliIo } from './io.js';
import { check } from '../analysis/analyze.js';
import { RC_FILE } from '../config/load.js';
import { InputError } from '../errors.js';
import { parseJsonText } from '../json.js';
import { TOOL } from './tool.js';
import {
  CI_SNIPPET,
  addSelfAdvice,
  declaresSelf,
  IGNORE_SCRIPTS_EFFECT,
  formatLike,
  pendingScripts,
  scriptsUnreadBecause,
  withGateScripts,
  withIgnoreScripts,
  withPendingReview,
} from '../init/wiring.js';
import { diskFiles } from '../tree/files.js';
import { escapeText, redactCredentials } from '../text/escape.js';

export const INIT_HELP = `Usage: depwarden init [--offline]

Wires the project in the current folder to depwarden, changing only what is missing:
  - the policy (${RC_FILE}, or package.json#depwarden when that exists) gets a "pendingReview"
    list of the install scripts the current tree needs; they run only once you move them to "allow"
  - .npmrc gets ignore-scripts=true, so a plain npm install runs no dependency scripts. It also
    skips the project's own: a plain npm install runs none of its lifecycle scripts, and
    \`npm run <x>\` (npm test, npm start) skips pre<x> and post<x> (measured with npm 11.19);
    npm run deps:install runs the project's own lifecycle scripts itself
  - package.json gets the scripts deps:install, deps:ci, deps:check, which run the project's own
    pinned copy of depwarden; with ignore-scripts=false set by you, also a preinstall hook
    (depwarden check --hook)
Then prints a GitHub Actions job that runs that pinned copy. Running it again changes nothing.
init never adds depwarden itself: it is not published, and anyone could own the name on a registry.
When package.json does not declare it, init says how to add it from a tarball you built (\`npm pack\`
in a clone) and exits 4: one step is left to you. When the install scripts could not all be read (the
registry did not answer, or --offline and npm's cache lacks packages), init says why instead of "no
install scripts", writes the rest, and exits 1: run it again when they can be read.

Options:
  --offline                    read install scripts from npm's cache only
  -h, --help                   show this help
`;

export async function runInit(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { offline: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    io.stdout.write(INIT_HELP);
    return EXIT.clean;
  }
  if (positionals.length > 0) throw new InputError('init takes no arguments: run it in the project folder');
  const files = diskFiles(io.cwd);
  const manifestText = files.readText('package.json');
  if (manifestText === undefined) throw new InputError(`no package.json in ${io.cwd}`);
  let manifest = parseJsonText(manifestText, 'package.json') as Record<string, unknown>;

  const lines: string[] = [];
  const write = (file: string, text: string) => writeFileSync(join(io.cwd, file), text);

  // The scripts the current tree needs, from the lockfile and the registry; a project without one has none yet.
  const hasLockfile = ['package-lock.json', 'npm-shrinkwrap.json'].some((file) => files.readText(file) !== undefined);
  const outcome = hasLockfile ? await check({ files, env: io.env, nodeModules: false, offline: values.offline ?? false }) : undefined;
  const pending = outcome ? pendingScripts(outcome.result.findings) : [];
  // Fail closed: scripts that could not be read are not "no scripts".
  const unread = outcome && scriptsUnreadBecause(outcome.result.findings, outcome.registry);

  const inManifest = typeof manifest.depwarden === 'object' && manifest.depwarden !== null;
  const rcText = files.readText(RC_FILE);
  const policySource = inManifest
    ? (manifest.depwarden as Record<string, unknown>)
    : rcText === undefined
      ? {}
      : (parseJsonText(rcText, RC_FILE) as Record<string, unknown>);
  const { policy, added } = withPendingReview(policySource, pending);
  if (inManifest) manifest = { ...manifest, depwarden: policy };
  else if (added > 0 || rcText === undefined) write(RC_FILE, formatLike(rcText, policy));
  const where = inManifest ? 'package.json#depwarden' : RC_FILE;
  const created = rcText === undefined && !inManifest;
  const listed = `${added} install script(s) listed under "pendingReview"; review each and move it to "allow" with a reason`;
  if (unread === undefined)
    lines.push(added > 0 ? `${where}: ${listed}` : created ? `${where}: created (no install scripts in the tree)` : `${where}: unchanged`);
  else {
    lines.push(
      `${where}: ${added > 0 ? `${listed}; but the install scripts of some packages` : created ? 'created, but the install scripts' : 'unchanged, but the install scripts'} could not be read: ${escapeText(redactCredentials(unread))}; run depwarden init again when they can be, to list them`,
    );
  }

  const npmrc = withIgnoreScripts(files.readText('.npmrc'));
  if (npmrc.changed) write('.npmrc', npmrc.text);
  lines.push(npmrc.changed ? '.npmrc: added ignore-scripts=true' : `.npmrc: unchanged (ignore-scripts=${npmrc.current} is already set)`);
  const scriptsRun = npmrc.current === 'false';
  if (!scriptsRun) lines.push(`note: ${IGNORE_SCRIPTS_EFFECT}`);

  const declared = declaresSelf(manifest);
  const scripts = withGateScripts(manifest, scriptsRun);
  manifest = scripts.manifest;
  if (scripts.added.length > 0 || (inManifest && added > 0)) write('package.json', formatLike(manifestText, manifest));
  lines.push(declared ? 'package.json: depwarden already declared' : `package.json: ${addSelfAdvice(TOOL.version)}`);
  lines.push(scripts.added.length ? `package.json: added scripts ${scripts.added.join(', ')}` : 'package.json: scripts unchanged');

  io.stdout.write(`${lines.map((line) => `depwarden init: ${line}`).join('\n')}\n\nIn CI:\n\n${CI_SNIPPET}`);
  // Everything else init wrote stays; the exit code tells a script that one step is left to the user: scripts init could
  // not read (1, as check's unverified finding), else declaring depwarden (4).
  return unread !== undefined ? EXIT.findings : declared ? EXIT.clean : EXIT.npm;
}
