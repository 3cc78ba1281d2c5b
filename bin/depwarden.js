#!/usr/bin/env node
// Tiny launcher: the CLI lives in the build output; only this file sets the exit code.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
