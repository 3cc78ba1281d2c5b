#!/usr/bin/env node
// Measures, for each package manager, whether a project's root `preinstall` runs before or after the install
// scripts of its dependencies (README "The preinstall hook"). Installs pnpm, yarn classic, yarn berry and bun
// from the npm registry into a temporary folder, publishes one dependency whose scripts append to a log to a
// local verdaccio, and installs a project with each. Usage: node scripts/measure-hook-order.mjs
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry } from '../test/support/registry.mjs';

const work = mkdtempSync(join(tmpdir(), 'depwarden-hook-order-'));
const tools = join(work, 'tools');
execFileSync('npm', ['install', '--prefix', tools, 'pnpm@9', 'yarn@1', '@yarnpkg/cli-dist@4', 'bun@1', '--no-audit', '--no-fund'], { stdio: 'ignore' });
const bin = (name) => join(tools, 'node_modules', '.bin', name);
const log = join(work, 'order.log');
const append = (who) => `node -e "require('fs').appendFileSync('${log}', '${who}\\n')"`;

const registry = await startRegistry();
try {
  const dependency = join(work, 'dependency');
  mkdirSync(dependency);
  writeFileSync(
    join(dependency, 'package.json'),
    JSON.stringify({
      name: 'dw-hookdep',
      version: '1.0.0',
      scripts: { preinstall: append('dependency preinstall'), postinstall: append('dependency postinstall') },
    }),
  );
  await registry.publish(dependency);

  const managers = [
    ['npm', 'npm', ['install'], {}, {}],
    ['pnpm 9', bin('pnpm'), ['install'], { pnpm: { onlyBuiltDependencies: ['dw-hookdep'] } }, {}],
    // Both yarns install a `yarn` bin: each is run from its own package.
    ['yarn classic', process.execPath, [join(tools, 'node_modules', 'yarn', 'bin', 'yarn.js'), 'install'], {}, { '.yarnrc': `registry "${registry.url}"\n` }],
    [
      'yarn berry',
      process.execPath,
      [join(tools, 'node_modules', '@yarnpkg', 'cli-dist', 'bin', 'yarn.js'), 'install'],
      {},
      {
        '.yarnrc.yml': `npmRegistryServer: "${registry.url}"\nunsafeHttpWhitelist: ["127.0.0.1"]\nnodeLinker: node-modules\nenableGlobalCache: false\nenableTelemetry: false\nnpmMinimalAgeGate: 0\nenableScripts: true\n`,
        'yarn.lock': '',
      },
    ],
    [
      'bun',
      bin('bun'),
      ['install'],
      { trustedDependencies: ['dw-hookdep'] },
      { 'bunfig.toml': `[install]\nregistry = "${registry.url}"\ncache = "${join(work, 'bun-cache')}"\n` },
    ],
  ];
  for (const [label, command, args, extra, files] of managers) {
    const project = join(work, label.replace(/\W+/g, '-'));
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'proj', version: '1.0.0', dependencies: { 'dw-hookdep': '1.0.0' }, scripts: { preinstall: append('root preinstall') }, ...extra }),
    );
    writeFileSync(join(project, '.npmrc'), `registry=${registry.url}\n`);
    for (const [file, text] of Object.entries(files)) writeFileSync(join(project, file), text);
    rmSync(log, { force: true });
    const status = await new Promise((resolve) => {
      const child = spawn(command, args, {
        cwd: project,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          npm_config_userconfig: registry.npmrc,
          npm_config_cache: registry.cache,
          YARN_CACHE_FOLDER: join(work, 'yarn-cache'),
          YARN_ENABLE_IMMUTABLE_INSTALLS: 'false',
          YARN_GLOBAL_FOLDER: join(work, 'yarn-global'),
        },
      });
      let errors = '';
      child.stderr.on('data', (chunk) => (errors += chunk));
      child.stdout.on('data', (chunk) => (errors += chunk));
      child.on('close', (code) => {
        if (code) console.error(errors.slice(-400));
        resolve(code);
      });
    });
    const order = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
    const verdict = order[0] === 'root preinstall' ? 'root preinstall runs first: the hook can stop the install' : 'root preinstall runs late';
    console.log(`${label.padEnd(13)} exit ${status}: ${order.join(', ') || '(nothing ran)'} — ${verdict}`);
  }
} finally {
  await registry.stop();
  rmSync(work, { recursive: true, force: true });
}
