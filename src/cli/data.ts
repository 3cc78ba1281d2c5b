import { parseCommandArgs } from './args.js';
import { BoundedFetchError } from '../registry/bounded-fetch.js';
import { EXIT, type CliIo } from './io.js';
import { savedDataAge, updateAdvisoryData } from '../analysis/data.js';
import { InputError } from '../errors.js';

export const DATA_HELP = `Usage: depwarden data update [--osv-export <url>]
       depwarden data status

update   downloads OSV's npm export (every npm malware report, one OSV JSON per advisory) into depwarden's
         folder beside npm's cache, through npm's proxy and CA settings; \`--offline\` runs then read it.
         Says how many malware reports it holds and how fresh the newest is.
status   says when the saved export was downloaded.

Options:
  --osv-export <url>           the export to download (default: OSV's public npm/all.zip; a mirror behind a firewall)
  -h, --help                   show this help
`;

const DAY = 24 * 3_600_000;

export async function runData(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { 'osv-export': { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    io.stdout.write(DATA_HELP);
    return EXIT.clean;
  }
  const [action, ...rest] = positionals;
  if (rest.length > 0 || (action !== 'update' && action !== 'status')) throw new InputError('data takes one action: update or status');
  const url = values['osv-export'];
  if (url !== undefined && (!/^https?:\/\/[^/]/i.test(url) || !URL.canParse(url))) throw new InputError(`--osv-export must be an http(s) URL; found "${url}"`);
  if (action === 'status') {
    const saved = await savedDataAge({ dir: io.cwd, env: io.env });
    io.stdout.write(
      saved
        ? `OSV npm malware data: ${saved.path}, downloaded ${saved.downloaded.toISOString()} (${Math.floor((Date.now() - saved.downloaded.getTime()) / DAY)} days ago)\n`
        : 'OSV npm malware data: none saved; run depwarden data update\n',
    );
    return EXIT.clean;
  }
  try {
    const update = await updateAdvisoryData({ dir: io.cwd, env: io.env, url });
    const age =
      update.newest === undefined
        ? ''
        : `; the newest was modified ${update.newest} (${Math.max(0, Math.floor((Date.now() - Date.parse(update.newest)) / DAY))} days ago)`;
    io.stdout.write(`OSV npm malware data: ${update.count} malware reports saved to ${update.path}, downloaded now${age}\n`);
    return EXIT.clean;
  } catch (error) {
    if (error instanceof InputError) throw error;
    const { code, statusCode } = error as NodeJS.ErrnoException & { statusCode?: number };
    const why = error instanceof BoundedFetchError ? error.message : statusCode ? `HTTP ${statusCode}` : (code ?? (error as Error).message);
    throw new InputError(`the OSV export could not be downloaded (${why}); the saved data, if any, was kept`);
  }
}
