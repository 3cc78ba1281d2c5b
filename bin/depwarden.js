#!/usr/bin/env node
// Tiny launcher: the CLI lives in the build output (bundled modules, see scripts/bundle.mjs); only this file
// ends the process.
import { existsSync } from 'node:fs';
import { once } from 'node:events';

const entry = new URL('../dist/cli/depwarden.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('depwarden: dist/ is missing: run npm run build\n');
  process.exit(2);
}
const { main } = await import(entry.href);

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
// The registry client's keep-alive sockets and timers would hold the process open: exit once output is out.
for (const stream of [process.stdout, process.stderr]) if (stream.writableNeedDrain) await once(stream, 'drain');
process.exit(code);
