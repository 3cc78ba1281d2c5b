// Shared by the scripts that write fixtures with real package managers: small packages on disk, and a tarball
// server for URL dependencies. A separate process serves, since the scripts run npm synchronously.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './registry.mjs';

/** A package folder: its package.json, an index.js, and any other files given. */
export function writePackage(dir, manifest, files = {}) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const [name, text] of Object.entries({ 'index.js': `module.exports = ${JSON.stringify(manifest.name)};\n`, ...files })) {
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** The registry packages every fixture project builds on: two majors of dw-core, a dependent of it, a dev tool. */
export const CORE_PACKAGES = [
  { name: 'dw-core', version: '1.0.0' },
  { name: 'dw-core', version: '2.0.0' },
  { name: 'dw-util', version: '1.0.0', dependencies: { 'dw-core': '^1.0.0' } },
  { name: 'dw-dev', version: '1.0.0' },
];

/** Writes each manifest as a package under `dir` and publishes it, one after the other, with the real npm CLI. */
export async function publishPackages(registry, dir, manifests) {
  for (const manifest of manifests) await registry.publish(writePackage(join(dir, `${manifest.name}-${manifest.version}`), manifest));
}

/** Serves the files of `dir` on 127.0.0.1; returns its `host:port` and a stop function. */
export async function startTarballServer(dir) {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const server = spawn(
    process.execPath,
    [
      '-e',
      `
  const { createServer } = require('node:http');
  const { readFileSync } = require('node:fs');
  createServer((request, response) => {
    try { response.end(readFileSync(require('node:path').join(${JSON.stringify(dir)}, request.url.slice(1)))); }
    catch { response.statusCode = 404; response.end(); }
  }).listen(${port}, '127.0.0.1');
`,
    ],
    { stdio: 'ignore' },
  );
  return { host: `127.0.0.1:${port}`, stop: () => server.kill() };
}
