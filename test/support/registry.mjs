// A real local npm registry for tests and fixture generation: verdaccio on 127.0.0.1, a free port, its own
// storage, anonymous publish. Packages are packed as npm packs them (pacote) and written into verdaccio's storage in the
// shape `npm publish` leaves there (see publish below). Plain JS so scripts can use it too.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const VERDACCIO = join(ROOT, 'node_modules', 'verdaccio', 'bin', 'verdaccio');

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts verdaccio and returns { url, npmrc, cache, npm(args, options), publish(dir), stop() }.
 * `npmrc` is a user config that points npm at this registry only, with a token verdaccio accepts.
 * `seed(url)` may return packuments to write into the storage before start (for thousands of packages,
 * far faster than publishing them).
 */
export async function startRegistry({ seed } = {}) {
  const home = mkdtempSync(join(tmpdir(), 'depwarden-registry-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  for (const packument of seed?.(url) ?? []) {
    const dir = join(home, 'storage', packument.name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ _uplinks: {}, _distfiles: {}, _attachments: {}, _rev: '1-0', ...packument }));
  }
  const config = join(home, 'config.yaml');
  writeFileSync(
    config,
    [
      `storage: ${join(home, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(home, 'htpasswd')}`,
      'uplinks: {}',
      'packages:',
      "  '**':",
      '    access: $anonymous',
      '    publish: $anonymous',
      '    unpublish: $anonymous',
      'log: { type: stdout, format: pretty, level: error }',
      '',
    ].join('\n'),
  );
  const npmrc = join(home, 'npmrc');
  writeFileSync(npmrc, `registry=${url}\n//127.0.0.1:${port}/:_authToken=depwarden-tests\n`);
  const cache = join(home, 'npm-cache');
  mkdirSync(cache);

  const child = spawn(process.execPath, [VERDACCIO, '--config', config, '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOME: home, NODE_NO_WARNINGS: '1' },
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  await waitUntilUp(url, child, () => output);

  const npm = (args, options = {}) => runNpm(args, { ...options, npmrc, cache });
  return {
    url,
    port,
    npmrc,
    cache,
    home,
    npm,
    /**
     * What `npm publish [--tag tag]` of a folder leaves in verdaccio's storage: the tarball npm would pack (pacote, as
     * npm pack), the manifest npm would send (read and normalized by the same library), its dist, publish times and
     * dist-tag. Written directly rather than through the npm CLI, which costs over a second of CPU per package;
     * verdaccio reads its storage per request, so a package published during a test is served at once.
     */
    async publish(dir, tag = 'latest') {
      const [{ default: pacote }, { default: Arborist }] = await Promise.all([import('pacote'), import('@npmcli/arborist')]);
      const options = { Arborist, ignoreScripts: true, fullReadJson: true, fullMetadata: true };
      const manifest = Object.fromEntries(Object.entries(await pacote.manifest(dir, options)).filter(([key]) => !key.startsWith('_')));
      const data = await pacote.tarball(dir, options);
      const { name, version } = manifest;
      const file = `${name.split('/').pop()}-${version}.tgz`;
      const folder = join(home, 'storage', name);
      const stored = join(folder, 'package.json');
      const now = new Date().toISOString();
      const packument = existsSync(stored)
        ? JSON.parse(readFileSync(stored, 'utf8'))
        : { name, versions: {}, time: { created: now }, users: {}, 'dist-tags': {}, _uplinks: {}, _distfiles: {}, _attachments: {}, _rev: '1-0', _id: name };
      if (packument.versions[version]) throw new Error(`${name}@${version} is published already`);
      const shasum = createHash('sha1').update(data).digest('hex');
      const integrity = `sha512-${createHash('sha512').update(data).digest('base64')}`;
      packument.versions[version] = { ...manifest, _id: `${name}@${version}`, dist: { integrity, shasum, tarball: `${url}${name}/-/${file}` } };
      packument.time = { ...packument.time, modified: now, [version]: now };
      packument['dist-tags'][tag] = version;
      packument._attachments[file] = { shasum, version };
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, file), data);
      writeFileSync(stored, JSON.stringify(packument, null, 2));
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** The real npm CLI, isolated from the user's config: only the given npmrc and cache apply. */
export function runNpm(args, { cwd, npmrc, cache, env = {} }) {
  return spawnSync('npm', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      // npm's own home: its logs and anything it reads of ~ stay in the registry's folder.
      HOME: dirname(npmrc),
      npm_config_userconfig: npmrc,
      npm_config_globalconfig: join(dirname(npmrc), 'global-npmrc'),
      npm_config_cache: cache,
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      npm_config_omit_lockfile_registry_resolved: 'false',
      ...env,
    },
  });
}

async function waitUntilUp(url, child, output) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited: ${output()}`);
    try {
      const response = await fetch(`${url}-/ping`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`verdaccio did not start in 30 s: ${output()}`);
}
