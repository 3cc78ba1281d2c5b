import { relative, resolve, sep } from 'node:path';
import { oneOf, parseCommandArgs } from './args.js';
import { EXIT, type CliIo } from './io.js';
import { TOOL } from './tool.js';
import { check } from '../check.js';
import { InputError } from '../errors.js';
import { renderJson } from '../report/json.js';
import { renderSarif } from '../report/sarif.js';
import { renderText } from '../report/text.js';
import type { ReportInput } from '../report/types.js';
import { SEVERITIES } from '../rules/types.js';
import { diskFiles } from '../tree/files.js';
import { packageCount } from '../tree/paths.js';

export const CHECK_HELP = `Usage: depwarden check [dir] [options]

Checks every package in the project's npm lockfile (or installed node_modules) for dangerous
dependencies: URL, git and local dependencies, aliases, foreign registries, plain http,
missing or weak integrity, and tampered resolved URLs. Reads no network, writes nothing.

Options:
  --format <text|json|sarif>   report format (default: text)
  --fail-on <severity>         exit 1 on findings at or above it: critical, high, medium, low, info
                               (default: the policy's failOn, else high)
  --node-modules               check the installed node_modules instead of the lockfile
  --config <file>              policy file to use instead of .depwardenrc.json / package.json#depwarden
  --registry <url>             the registry packages should come from (default: npm's configuration)
  --offline                    guarantee no network access (check needs none)
  --strict                     exit 1 when a policy allowlist entry matched nothing
  --color, --no-color          force colours on or off (default: on for a terminal, off with NO_COLOR)
  -h, --help                   show this help
`;

const FORMATS = ['text', 'json', 'sarif'] as const;

export async function runCheck(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    format: { type: 'string' },
    'fail-on': { type: 'string' },
    'node-modules': { type: 'boolean' },
    config: { type: 'string' },
    registry: { type: 'string' },
    offline: { type: 'boolean' },
    strict: { type: 'boolean' },
    color: { type: 'boolean' },
    'no-color': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(CHECK_HELP);
    return EXIT.clean;
  }
  if (positionals.length > 1) throw new InputError(`check takes one project folder; found ${positionals.length}`);
  const format = oneOf(values.format, FORMATS, '--format') ?? 'text';
  const dir = resolve(io.cwd, positionals[0] ?? '.');
  const outcome = await check({
    files: diskFiles(dir),
    nodeModules: values['node-modules'] ?? false,
    env: io.env,
    registry: values.registry,
    failOn: oneOf(values['fail-on'], SEVERITIES, '--fail-on'),
    config: values.config === undefined ? undefined : { files: diskFiles(io.cwd), path: values.config },
  });

  const { tree, lockfileText } = outcome.project;
  const input: ReportInput = {
    result: outcome.result,
    failing: outcome.failing,
    failOn: outcome.failOn,
    rules: outcome.rules,
    source: {
      file: tree.sourceFile,
      uri: relative(io.cwd, resolve(dir, tree.sourceFile)).split(sep).join('/'),
      format: tree.format,
      packages: packageCount(tree),
      text: lockfileText,
    },
    tool: TOOL,
  };
  const color = values['no-color'] ? false : (values.color ?? (Boolean(io.stdout.isTTY) && !io.env.NO_COLOR));
  io.stdout.write(format === 'json' ? renderJson(input) : format === 'sarif' ? renderSarif(input) : renderText(input, { color }));

  if (outcome.failing.length > 0) return EXIT.findings;
  if (values.strict && outcome.result.unusedAllows.length > 0) return EXIT.findings;
  return EXIT.clean;
}
