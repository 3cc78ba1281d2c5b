#!/usr/bin/env node
// Rebuilds test/fixtures/install-scripts/<package>/ from the real tarballs: `npm pack` of each pinned version into a
// temporary folder with a temporary npm cache (an ordinary registry download), then copies only what the install
// scripts run, as the analysis follows it, plus the package's licence notices. The configured registry's host is
// replaced by public-registry.example.test (the fixtures' stand-in for it) so no registry host is committed.
// Needs `npm run build` first. Usage: node scripts/fetch-install-fixtures.mjs
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeInstallScripts } from '../dist/scripts/analyze.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TARGET = join(ROOT, 'test', 'fixtures', 'install-scripts');
const PACKAGES = [
  'esbuild@0.25.0',
  '@swc/core@1.10.1',
  'better-sqlite3@11.8.1',
  'sqlite3@5.1.7',
  'bcrypt@5.1.1',
  'bufferutil@4.0.9',
  'husky@4.3.8',
  'core-js@3.40.0',
  'es5-ext@0.10.64',
  'puppeteer@24.1.0',
  'cypress@14.0.0',
  'electron@34.0.0',
  'sharp@0.33.5',
  'protobufjs@7.4.0',
  'node-sass@9.0.0',
  'msw@2.7.0',
  'vue-demi@0.14.10',
  '@biomejs/biome@1.9.4',
  'lefthook@1.10.0',
  'prisma@6.2.1',
  '@sentry/cli@2.41.1',
];
const INSTALL = ['preinstall', 'install', 'postinstall'];

const work = mkdtempSync(join(tmpdir(), 'depwarden-fixtures-'));
const npm = (args) => execFileSync('npm', [...args, '--cache', join(work, 'cache')], { cwd: work, encoding: 'utf8' });
const registryHost = new URL(npm(['config', 'get', 'registry']).trim()).hostname;
const scrub = (text) => text.replaceAll(registryHost, 'public-registry.example.test');
try {
  for (const spec of PACKAGES) {
    const tarball = JSON.parse(npm(['pack', spec, '--json', '--pack-destination', work]))[0].filename;
    const unpacked = join(work, tarball.replace(/\.tgz$/, ''));
    mkdirSync(unpacked, { recursive: true });
    execFileSync('tar', ['xzf', join(work, tarball), '-C', unpacked]);
    const dir = join(unpacked, 'package');
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const scripts = Object.fromEntries(INSTALL.filter((name) => typeof manifest.scripts?.[name] === 'string').map((name) => [name, manifest.scripts[name]]));
    const analysis = analyzeInstallScripts(Object.entries(scripts), (path) => {
      try {
        const stat = statSync(join(dir, path));
        return stat.isFile() ? { text: readFileSync(join(dir, path), 'utf8'), bytes: stat.size } : undefined;
      } catch {
        return undefined;
      }
    });
    const out = join(TARGET, manifest.name.replace('/', '+'));
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    const kept = { name: manifest.name, version: manifest.version, license: manifest.license, scripts };
    writeFileSync(join(out, 'package.json'), `${JSON.stringify(kept, null, 2)}\n`);
    for (const { path } of analysis.files) {
      mkdirSync(dirname(join(out, path)), { recursive: true });
      writeFileSync(join(out, path), scrub(readFileSync(join(dir, path), 'utf8')));
    }
    const notices = readdirSync(dir).filter((file) => /^(?:licen[cs]e|notice|copying)(?:\.\w+)?$/i.test(file));
    for (const notice of notices) cpSync(join(dir, notice), join(out, notice));
    if (notices.length === 0)
      writeFileSync(
        join(out, 'LICENSE'),
        `${manifest.name}@${manifest.version} is published under the ${manifest.license} licence (its tarball carries no licence file).\n`,
      );
    console.log(`${spec}: ${analysis.files.length} files, ${notices.join(', ') || 'no licence file'}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
