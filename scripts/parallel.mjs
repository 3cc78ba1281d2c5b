#!/usr/bin/env node
// `npm test`'s steps that need nothing of one another (the build, eslint, prettier, tsc of the tests: none of the
// checks reads dist/), run at once: each is one process on one core, so on two cores they take about half the time
// of all of them in a row (the build alone took ~17 s of CPU before the checks started). `npm test` builds with
// `tsc --noCheck`: `tsc -p test` type-checks src/ with the tests under the same options, and checking it twice cost
// ~6 s of CPU (the emitted dist/ is the same byte for byte). Each command's output is printed whole when it ends, in
// the order given; the exit code is the first failure's.
//   node scripts/parallel.mjs "<command>" "<command>" ...
import { spawn } from 'node:child_process';

const runs = process.argv.slice(2).map(
  (command) =>
    new Promise((done) => {
      // The shell of `npm run`: npm puts node_modules/.bin on PATH for it and for every child.
      const child = spawn(command, { shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
      const output = [];
      child.stdout.on('data', (chunk) => output.push(chunk));
      child.stderr.on('data', (chunk) => output.push(chunk));
      child.on('close', (code, signal) => done({ command, code: code ?? 1, signal, output: Buffer.concat(output) }));
    }),
);

let failed = 0;
for (const run of runs) {
  const { command, code, signal, output } = await run;
  process.stdout.write(`> ${command}\n`);
  process.stdout.write(output);
  if (code !== 0) {
    process.stderr.write(`${command}: ${signal ? `killed by ${signal}` : `exit ${code}`}\n`);
    failed ||= code;
  }
}
process.exitCode = failed;
