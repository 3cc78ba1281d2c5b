// A real local npm registry for tests and fixture generation: verdaccio on 127.0.0.1, a free port, its own
// storage, anonymous publish. Packages are published with the real npm CLI. Plain JS so scripts can use it too.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
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
 * Starts verdaccio and returns { url, npmrc, cache, npm(args, options), publish(dir), publishAll(dirs), stop() }.
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
  const child = spawn(process.execPath, [VERDACCIO, '--config', config, '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOME: home, NODE_NO_WARNINGS: '1' },
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  await waitUntilUp(url, child, () => output);

  const client = connectRegistry({ url, port }, home);
  return {
    ...client,
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

/**
 * A client of a running registry (the run's shared one: test/support/global-setup.ts) with its own npm user config,
 * npm cache and HOME in a fresh folder (or in `home`), so that no two test files share npm state. `stop()` removes
 * that folder; the registry keeps running.
 */
export function connectRegistry({ url, port }, home = mkdtempSync(join(tmpdir(), 'depwarden-registry-client-'))) {
  const npmrc = join(home, 'npmrc');
  writeFileSync(npmrc, `registry=${url}\n//127.0.0.1:${port}/:_authToken=depwarden-tests\n`);
  const cache = join(home, 'npm-cache');
  mkdirSync(cache, { recursive: true });
  const npm = (args, options = {}) => runNpm(args, { ...options, npmrc, cache });
  const npmAsync = (args, cwd) =>
    new Promise((resolve, reject) => {
      const child = spawn('npm', args, { cwd, env: npmEnv({ npmrc, cache }), stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (status) => (status === 0 ? resolve() : reject(new Error(`npm ${args.join(' ')} in ${cwd} failed: ${stderr}`))));
    });
  return {
    url,
    port,
    npmrc,
    cache,
    home,
    npm,
    /**
     * `npm publish [--tag tag]` of a folder, with the real npm CLI (the project's rule for its test registry).
     * Asynchronous, so that a test process keeps serving (stand-in servers live in it) while npm publishes.
     */
    publish(dir, tag) {
      return npmAsync(['publish', ...(tag ? ['--tag', tag] : [])], dir);
    },
    /**
     * Each folder published with the real npm CLI, in as few runs as their names allow: one `npm publish --workspaces`
     * of a throwaway root whose workspaces are the folders (npm starts once for all, not once for each: ~1 s of CPU
     * each). A second version of a name goes in a later run, so versions are published in the order given.
     */
    async publishAll(dirs) {
      const batches = [];
      for (const dir of dirs) {
        const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
        const index = lastBatchOf(batches, name) + 1;
        if (index === batches.length) batches.push(new Map());
        batches[index].set(name, dir);
      }
      for (const batch of batches) {
        const root = mkdtempSync(join(home, 'publish-'));
        writeFileSync(
          join(root, 'package.json'),
          JSON.stringify({ name: 'publish-root', private: true, workspaces: [...batch.values()].map((dir) => relative(root, dir)) }),
        );
        await npmAsync(['publish', '--workspaces'], root);
        rmSync(root, { recursive: true, force: true });
      }
    },
    async stop() {
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** The index of the last batch that holds `name` (-1 if none): a later version must go after it. */
function lastBatchOf(batches, name) {
  for (let index = batches.length - 1; index >= 0; index--) if (batches[index].has(name)) return index;
  return -1;
}

/** The real npm CLI, isolated from the user's config: only the given npmrc and cache apply. */
export function runNpm(args, { cwd, npmrc, cache, env = {} }) {
  return spawnSync('npm', args, { cwd, encoding: 'utf8', env: npmEnv({ npmrc, cache, env }) });
}

/** npm's environment for the test registry: only the given npmrc and cache apply. */
function npmEnv({ npmrc, cache, env = {} }) {
  return {
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
  };
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
