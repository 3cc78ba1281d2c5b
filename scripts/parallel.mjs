#!/usr/bin/env node
// `npm test`'s steps at once: the build then the tests, and the checks that need nothing of them (eslint, prettier,
// tsc of the tests: none reads dist/). The first command runs at normal priority with its output shown as it comes;
// the others run niced, so on a busy machine they take only the CPU the tests leave idle (the tests wait on npm,
// verdaccio and the package managers they spawn), and each one's output is printed whole when it ends. The exit code
// is the first failure's, in the order given.
//   node scripts/parallel.mjs "<main command>" "<command>" ...
import { spawn } from 'node:child_process';

/** A command through the shell of `npm run` (npm puts node_modules/.bin on PATH for it and for every child). */
function start(command, { niced }) {
  // `nice` before the shell: every process the command starts inherits the lower priority.
  const child =
    niced && process.platform !== 'win32'
      ? spawn('nice', ['-n', '10', 'sh', '-c', command], { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(command, { shell: true, stdio: ['ignore', niced ? 'pipe' : 'inherit', niced ? 'pipe' : 'inherit'] });
  const output = [];
  child.stdout?.on('data', (chunk) => output.push(chunk));
  child.stderr?.on('data', (chunk) => output.push(chunk));
  return new Promise((done) => {
    child.on('error', (error) => done({ command, code: 1, signal: null, output: Buffer.from(`${error.message}\n`) }));
    child.on('close', (code, signal) => done({ command, code: code ?? 1, signal, output: Buffer.concat(output) }));
  });
}

const [main, ...others] = process.argv.slice(2);
const runs = [start(main, { niced: false }), ...others.map((command) => start(command, { niced: true }))];

let failed = 0;
for (const [index, run] of runs.entries()) {
  const { command, code, signal, output } = await run;
  if (index > 0) {
    process.stdout.write(`> ${command}\n`);
    process.stdout.write(output);
  }
  if (code !== 0) {
    process.stderr.write(`${command}: ${signal ? `killed by ${signal}` : `exit ${code}`}\n`);
    failed ||= code;
  }
}
process.exitCode = failed;
