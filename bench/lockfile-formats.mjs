#!/usr/bin/env node
// Load time of each lockfile format depwarden reads, for one ~2,000-package tree: the committed popular-app npm
// lockfile, rewritten as yarn classic, yarn berry, pnpm 9.0 and bun lockfiles (same packages and edges) in a temp
// folder. Loads (read + parse + tree build) run in interleaved rounds, so a busy machine slows every format alike;
// each figure is the median (and the least) of 25 rounds after 3 warm-up ones, in CPU time (this process's, not the wall clock,
// which other work on a shared machine inflates), per package, and as a ratio to npm's per package.
// With `--baseline DIST` (another build's dist folder, e.g. main's), each load of this build is interleaved with one
// of that build, in alternating order, and each format's change is given as this build's CPU time over the baseline's:
// a before/after ratio that a machine busy with other work affects alike on both sides.
// Usage: npm run build && node bench/lockfile-formats.mjs [--baseline ../main/dist]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { diskFiles } from '../dist/tree/files.js';
import { loadProject } from '../dist/tree/load.js';

const { values: args } = parseArgs({ options: { baseline: { type: 'string' } } });
const builds = [{ label: 'this build', loadProject, diskFiles }];
if (args.baseline !== undefined) {
  const dist = resolve(args.baseline);
  const imported = async (file) => import(pathToFileURL(join(dist, 'tree', file)).href);
  builds.unshift({ label: 'baseline', loadProject: (await imported('load.js')).loadProject, diskFiles: (await imported('files.js')).diskFiles });
}

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

// yarn classic writes an aliased dependency's entry under its own descriptor (`"alias@npm:real@range":`), apart
// from the real name's entry even when both resolve to one version: one such entry per alias asked for.
const aliasesOf = new Map();
for (const [name, version, real] of [...rootDeps, ...[...packages.values()].flatMap(({ dependencies }) => dependencies)]) {
  if (name === real) continue;
  const id = `${real}@${version}`;
  aliasesOf.set(id, new Set([...(aliasesOf.get(id) ?? []), `${name}@${range(name, version, real)}`]));
}
const yarnClassic = ['# yarn lockfile v1', ''];
const berry = ['__metadata:', '  version: 8', '  cacheKey: 10c0', ''];
const pnpmPackages = [];
const pnpmSnapshots = [];
const bun = {};
for (const [id, { node, dependencies }] of packages) {
  for (const key of [id, ...(aliasesOf.get(id) ?? [])]) {
    yarnClassic.push(`${q(key)}:`, `  version ${q(node.version)}`, `  resolved ${q(node.resolved)}`, `  integrity ${node.integrity}`);
    if (dependencies.length)
      yarnClassic.push('  dependencies:', ...dependencies.map(([name, version, real]) => `    ${q(name)} ${q(range(name, version, real))}`));
    yarnClassic.push('');
  }
  // yarn berry lists every descriptor of an entry in its one key, aliases (`alias@npm:real@range`) included.
  const berryKey = [`${node.name}@npm:${node.version}`, ...(aliasesOf.get(id) ?? [])].join(', ');
  berry.push(`${q(berryKey)}:`, `  version: ${node.version}`, `  resolution: ${q(`${node.name}@npm:${node.version}`)}`);
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
    return { label, dir, size: text.length, runs: builds.map(() => ({ cpu: [], wall: [] })), count: 0 };
  });
  for (let round = 0; round < 28; round++) {
    for (const project of projects) {
      // Alternate which build goes first, so neither always runs on the other's warm caches.
      for (const index of round % 2 ? [...builds.keys()].reverse() : builds.keys()) {
        const build = builds[index];
        const [cpuStart, wallStart] = [process.cpuUsage(), process.hrtime.bigint()];
        const loaded = await build.loadProject(build.diskFiles(project.dir), { nodeModules: false });
        const cpu = process.cpuUsage(cpuStart);
        // Each synthetic lockfile must hold the whole tree as its manager would write it: a dependency left unlocked
        // (out of sync) would be a smaller, easier tree than npm's, and the ratio a flattering one.
        const unsynced = loaded.tree.outOfSync ?? [];
        if (round === 0 && unsynced.length > 0)
          throw new Error(
            `${project.label} (${build.label}): ${unsynced.length} dependencies out of sync, e.g. ${unsynced
              .slice(0, 3)
              .map((problem) => `${problem.declarer || '(root)'} -> ${problem.name}@${problem.spec}`)
              .join(', ')}`,
          );
        if (round < 3) continue;
        project.runs[index].cpu.push((cpu.user + cpu.system) / 1000);
        project.runs[index].wall.push(Number(process.hrtime.bigint() - wallStart) / 1e6);
        if (build.label === 'this build') project.count = loaded.tree.nodes.size;
      }
    }
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const current = builds.length - 1;
  const perPackage = (project, index = current) => (median(project.runs[index].cpu) * 1000) / project.count;
  const leastPerPackage = (project) => (Math.min(...project.runs[current].cpu) * 1000) / project.count;
  const [npm, npmLeast] = [perPackage(projects[0]), leastPerPackage(projects[0])];
  console.log('format             size   nodes   cpu ms  wall ms  us/package  x npm  (least: cpu ms  x npm)');
  for (const project of projects) {
    const { cpu, wall } = project.runs[current];
    console.log(
      `${project.label.padEnd(16)} ${String(Math.round(project.size / 1024)).padStart(5)} KiB ${String(project.count).padStart(5)} ${median(cpu).toFixed(1).padStart(8)} ${median(wall).toFixed(1).padStart(8)} ${perPackage(project).toFixed(1).padStart(11)} ${(perPackage(project) / npm).toFixed(2).padStart(6)}  ${Math.min(
        ...cpu,
      )
        .toFixed(1)
        .padStart(14)} ${(leastPerPackage(project) / npmLeast).toFixed(2).padStart(6)}`,
    );
  }
  if (builds.length > 1) {
    // Per round, this build over the baseline on the same project: the median of those paired ratios.
    console.log(`\nagainst ${args.baseline} (interleaved):`);
    console.log('format           baseline ms  this ms  this/baseline (median of paired rounds)  x npm: baseline  this');
    const npmBaseline = perPackage(projects[0], 0);
    for (const project of projects) {
      const [before, after] = project.runs.map((run) => run.cpu);
      const paired = median(after.map((ms, round) => ms / before[round]));
      console.log(
        `${project.label.padEnd(16)} ${median(before).toFixed(1).padStart(11)} ${median(after).toFixed(1).padStart(8)} ${paired.toFixed(2).padStart(14)} ${' '.repeat(25)} ${(perPackage(project, 0) / npmBaseline).toFixed(2).padStart(6)} ${(perPackage(project) / npm).toFixed(2).padStart(5)}`,
      );
    }
  }
} finally {
  if (process.env.KEEP) console.log(work);
  else rmSync(work, { recursive: true, force: true });
}
