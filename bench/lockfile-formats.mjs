#!/usr/bin/env node
// Load time of each lockfile format depwarden reads, for one ~2,000-package tree: the committed popular-app npm
// lockfile, rewritten as yarn classic, yarn berry, pnpm 9.0 and bun lockfiles (same packages and edges) in a temp
// folder. Loads (read + parse + tree build) run in interleaved rounds, so a busy machine slows every format alike;
// each figure is the median (and the least) of 25 rounds after 3 warm-up ones, in CPU time (this process's, not the wall clock,
// which other work on a shared machine inflates), per package, and as a ratio to npm's per package.
// Usage: npm run build && node bench/lockfile-formats.mjs
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diskFiles } from '../dist/tree/files.js';
import { loadProject } from '../dist/tree/load.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PROJECT = join(ROOT, 'test', 'fixtures', 'popular-app');
const { tree } = await loadProject(diskFiles(PROJECT), { nodeModules: false });
const manifest = JSON.parse(readFileSync(join(PROJECT, 'package.json'), 'utf8'));

// Unique packages by name@version, each dependency pointing at the version npm resolved it to.
const packages = new Map();
for (const node of tree.nodes.values()) {
  if (node.isRoot || node.isLink || node.version === undefined) continue;
  const id = `${node.name}@${node.version}`;
  if (packages.has(id)) continue;
  const dependencies = [...node.edgesOut.values()].filter((edge) => edge.to?.version && edge.type !== 'peer' && edge.type !== 'peerOptional');
  packages.set(id, { node, dependencies: dependencies.map((edge) => [edge.name, edge.to.version, edge.to.name]) });
}
const rootDeps = [...tree.root.edgesOut.values()].filter((edge) => edge.to?.version).map((edge) => [edge.name, edge.to.version, edge.to.name]);
const q = JSON.stringify;
const hex = (integrity) => Buffer.from(integrity.slice(integrity.indexOf('-') + 1), 'base64').toString('hex');
const range = (name, version, real) => (name === real ? version : `npm:${real}@${version}`);

const yarnClassic = ['# yarn lockfile v1', ''];
const berry = ['__metadata:', '  version: 8', '  cacheKey: 10c0', ''];
const pnpmPackages = [];
const pnpmSnapshots = [];
const bun = {};
for (const [id, { node, dependencies }] of packages) {
  yarnClassic.push(`${q(id)}:`, `  version ${q(node.version)}`, `  resolved ${q(node.resolved)}`, `  integrity ${node.integrity}`);
  if (dependencies.length)
    yarnClassic.push('  dependencies:', ...dependencies.map(([name, version, real]) => `    ${q(name)} ${q(range(name, version, real))}`));
  yarnClassic.push('');
  berry.push(`${q(`${node.name}@npm:${node.version}`)}:`, `  version: ${node.version}`, `  resolution: ${q(`${node.name}@npm:${node.version}`)}`);
  if (dependencies.length)
    berry.push('  dependencies:', ...dependencies.map(([name, version, real]) => `    ${q(name)}: ${q(`npm:${name === real ? '' : `${real}@`}${version}`)}`));
  berry.push(`  checksum: 10c0/${hex(node.integrity)}`, '  languageName: node', '  linkType: hard', '');
  pnpmPackages.push(`  ${q(id)}:`, `    resolution: {integrity: ${node.integrity}}`, '');
  pnpmSnapshots.push(`  ${q(id)}:${dependencies.length ? '' : ' {}'}`);
  if (dependencies.length)
    pnpmSnapshots.push(
      '    dependencies:',
      ...dependencies.map(([name, version, real]) => `      ${q(name)}: ${q(name === real ? version : `${real}@${version}`)}`),
    );
  pnpmSnapshots.push('');
}
// bun keeps npm's layout: its keys are the install paths.
for (const node of tree.nodes.values()) {
  if (node.isRoot || node.isLink || !node.location.startsWith('node_modules/')) continue;
  const deps = Object.fromEntries([...node.edgesOut.values()].filter((edge) => edge.type === 'prod').map((edge) => [edge.name, edge.spec]));
  bun[node.location.replace(/^node_modules\//, '').replaceAll('/node_modules/', '/')] = [
    `${node.name}@${node.version}`,
    node.resolved,
    { dependencies: deps },
    node.integrity,
  ];
}
const rootYarn = ['dependencies', 'devDependencies'].flatMap((field) => Object.entries(manifest[field] ?? {}));
berry.push(
  `"app@workspace:.":`,
  '  version: 0.0.0-use.local',
  '  resolution: "app@workspace:."',
  '  dependencies:',
  ...rootDeps.map(([name, version, real]) => `    ${q(name)}: ${q(`npm:${name === real ? '' : `${real}@`}${version}`)}`),
  '  languageName: unknown',
  '  linkType: soft',
  '',
);
const pnpm = [
  "lockfileVersion: '9.0'",
  '',
  'importers:',
  '  .:',
  '    dependencies:',
  ...rootDeps.flatMap(([name, version, real]) => [
    `      ${q(name)}:`,
    `        specifier: ${q(version)}`,
    `        version: ${q(name === real ? version : `${real}@${version}`)}`,
  ]),
  '',
  'packages:',
  ...pnpmPackages,
  'snapshots:',
  ...pnpmSnapshots,
];
const exact = { name: 'app', version: '1.0.0', dependencies: Object.fromEntries(rootDeps.map(([name, version, real]) => [name, range(name, version, real)])) };
const bunLock = { lockfileVersion: 1, workspaces: { '': { name: 'app', dependencies: exact.dependencies } }, packages: bun };
// bun writes a trailing comma after the last member of every multi-line object and array.
const bunText = JSON.stringify(bunLock, null, 2).replace(/([^,{[\s])\n(\s*[}\]])/g, '$1,\n$2');

const work = mkdtempSync(join(tmpdir(), 'depwarden-bench-lockfiles-'));
const formats = [
  ['npm lockfile v3', 'package-lock.json', readFileSync(join(PROJECT, 'package-lock.json'), 'utf8'), manifest],
  [
    'yarn classic',
    'yarn.lock',
    yarnClassic.join('\n'),
    { ...exact, dependencies: Object.fromEntries(rootYarn.length ? rootDeps.map(([name, version, real]) => [name, range(name, version, real)]) : []) },
  ],
  ['yarn berry', 'yarn.lock', berry.join('\n'), exact],
  ['pnpm 9.0', 'pnpm-lock.yaml', pnpm.join('\n'), exact],
  ['bun.lock', 'bun.lock', bunText, exact],
];
try {
  const projects = formats.map(([label, file, text, pkg]) => {
    const dir = mkdtempSync(join(work, 'p-'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
    writeFileSync(join(dir, file), text);
    return { label, dir, size: text.length, cpu: [], wall: [], count: 0 };
  });
  for (let round = 0; round < 28; round++) {
    for (const project of projects) {
      const [cpuStart, wallStart] = [process.cpuUsage(), process.hrtime.bigint()];
      const loaded = await loadProject(diskFiles(project.dir), { nodeModules: false });
      const cpu = process.cpuUsage(cpuStart);
      if (round < 3) continue;
      project.cpu.push((cpu.user + cpu.system) / 1000);
      project.wall.push(Number(process.hrtime.bigint() - wallStart) / 1e6);
      project.count = loaded.tree.nodes.size;
    }
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const perPackage = (project) => (median(project.cpu) * 1000) / project.count;
  const leastPerPackage = (project) => (Math.min(...project.cpu) * 1000) / project.count;
  const [npm, npmLeast] = [perPackage(projects[0]), leastPerPackage(projects[0])];
  console.log('format             size   nodes   cpu ms  wall ms  us/package  x npm  (least: cpu ms  x npm)');
  for (const project of projects) {
    console.log(
      `${project.label.padEnd(16)} ${String(Math.round(project.size / 1024)).padStart(5)} KiB ${String(project.count).padStart(5)} ${median(project.cpu).toFixed(1).padStart(8)} ${median(project.wall).toFixed(1).padStart(8)} ${perPackage(project).toFixed(1).padStart(11)} ${(perPackage(project) / npm).toFixed(2).padStart(6)}  ${Math.min(
        ...project.cpu,
      )
        .toFixed(1)
        .padStart(14)} ${(leastPerPackage(project) / npmLeast).toFixed(2).padStart(6)}`,
    );
  }
} finally {
  if (process.env.KEEP) console.log(work);
  else rmSync(work, { recursive: true, force: true });
}
