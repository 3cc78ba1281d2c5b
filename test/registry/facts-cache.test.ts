import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FactsCache } from '../../src/registry/facts-cache.js';
import { slimManifest, type PackageFacts } from '../../src/registry/facts.js';

const REGISTRY = 'https://registry.example.test/';

const factsOf = (name: string, version: string, extra: Partial<PackageFacts> = {}): PackageFacts => ({
  version,
  manifest: slimManifest({
    name,
    version,
    scripts: { postinstall: 'node setup.js', test: 'vitest' },
    dependencies: { dep: '^1.0.0', evil: 'https://x.example.test/e.tgz' },
    bin: { tool: 'cli.js' },
    repository: { url: 'git+https://git.example.test/x.git' },
    dist: { integrity: `sha512-${name}${version}`, tarball: 'https://registry.example.test/x.tgz' },
  }),
  previous: { version: '0.9.0', manifest: slimManifest({ name, version: '0.9.0', dependencies: { dep: '^1.0.0' } }) },
  published: new Date('2024-05-01T10:00:00.000Z'),
  firstPublished: new Date('2019-01-01T00:00:00.000Z'),
  installAnalysis: {
    files: [{ path: 'setup.js', bytes: 24 }],
    signals: [{ kind: 'spawns-process', file: 'setup.js', line: 1, excerpt: 'require("child_process").exec(x)' }],
    unread: [],
  },
  filesFault: undefined,
  provenanceBefore: { count: 2, latest: '0.9.0' },
  ...extra,
});

/** Every record file under the cache folder, relative. */
function records(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.json'))
    .sort();
}

describe('FactsCache', () => {
  let work: string;
  let dir: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'depwarden-facts-cache-'));
    dir = join(work, 'facts');
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('reads nothing from a folder that does not exist yet, then reads what it saved there', () => {
    const cache = new FactsCache(dir);
    const facts = factsOf('fresh', '1.0.0');
    expect(cache.get(REGISTRY, 'fresh', '1.0.0')).toBeUndefined();
    cache.set(REGISTRY, 'fresh', facts);
    cache.save();
    // The shard folders were listed on the first read, before this one existed: saving lists them again.
    expect(cache.get(REGISTRY, 'fresh', '1.0.0')).toEqual(facts);
    expect(new FactsCache(dir).get(REGISTRY, 'fresh', '1.0.0')).toEqual(facts);
    expect(new FactsCache(dir).get(REGISTRY, 'fresh', '1.0.1')).toBeUndefined();
  });

  it('keeps the facts a spec chose from one cached packument apart from version records and from other packuments', () => {
    const writer = new FactsCache(dir);
    const facts = factsOf('left', '2.0.0');
    writer.setResolved(REGISTRY, 'left', '*', 'sha512-first', facts);
    writer.save();
    const reader = new FactsCache(dir);
    expect(reader.getResolved(REGISTRY, 'left', '*', 'sha512-first')).toEqual(facts);
    // Another packument (npm's cache refreshed), another spec, or the version key: all misses.
    expect(reader.getResolved(REGISTRY, 'left', '*', 'sha512-second')).toBeUndefined();
    expect(reader.getResolved(REGISTRY, 'left', '^1', 'sha512-first')).toBeUndefined();
    expect(reader.get(REGISTRY, 'left', '2.0.0')).toBeUndefined();
  });

  it('gives back what it stored, in a new process, keyed by registry, name and version', () => {
    const writer = new FactsCache(dir);
    const facts = factsOf('left', '1.0.0');
    writer.set(REGISTRY, 'left', facts);
    writer.save();
    const reader = new FactsCache(dir);
    expect(reader.get(REGISTRY, 'left', '1.0.0')).toEqual(facts);
    expect(reader.get('https://registry.example.test', 'left', '1.0.0')).toEqual(facts); // trailing slash is no other registry
    expect(reader.get(REGISTRY, 'left', '1.0.1')).toBeUndefined();
    expect(reader.get('https://other.example.test/', 'left', '1.0.0')).toBeUndefined();
    expect(reader.get(REGISTRY, 'right', '1.0.0')).toBeUndefined();
  });

  it('stores one small record per package version, only the fields the rules read', () => {
    const cache = new FactsCache(dir);
    cache.set(REGISTRY, 'left', factsOf('left', '1.0.0'));
    cache.set(REGISTRY, 'left', factsOf('left', '2.0.0'));
    cache.set(REGISTRY, '@scope/right', factsOf('@scope/right', '1.0.0'));
    cache.save();
    const paths = records(dir);
    expect(paths).toHaveLength(3);
    const record = JSON.parse(readFileSync(join(dir, paths[0]!), 'utf8')) as { facts: { manifest: Record<string, unknown> } };
    expect(Object.keys(record.facts.manifest).sort()).toEqual(['bin', 'dependencies', 'dist', 'name', 'repository', 'scripts', 'version']);
    expect(record.facts.manifest.scripts).toEqual({ postinstall: 'node setup.js' });
    expect(record.facts.manifest.dist).toEqual({ integrity: expect.stringMatching(/^sha512-/) });
  });

  it('writes nothing when nothing was learnt, and only the new records when something was', () => {
    const first = new FactsCache(dir);
    first.set(REGISTRY, 'left', factsOf('left', '1.0.0'));
    first.save();
    const [path] = records(dir);
    const before = readFileSync(join(dir, path!), 'utf8');
    writeFileSync(join(dir, path!), before.replace('2024-05-01', '2024-05-02')); // a marker: rewriting would undo it

    const second = new FactsCache(dir);
    expect(second.get(REGISTRY, 'left', '1.0.0')?.published?.toISOString()).toBe('2024-05-02T10:00:00.000Z');
    second.save();
    second.set(REGISTRY, 'right', factsOf('right', '1.0.0'));
    second.save();
    expect(records(dir)).toHaveLength(2);
    expect(readFileSync(join(dir, path!), 'utf8')).toContain('2024-05-02');
  });

  it('treats a corrupted or foreign record as a miss, and a later save replaces it', () => {
    const cache = new FactsCache(dir);
    cache.set(REGISTRY, 'left', factsOf('left', '1.0.0'));
    cache.set(REGISTRY, 'right', factsOf('right', '1.0.0'));
    cache.save();
    const [first, second] = records(dir);
    writeFileSync(join(dir, first!), '{"key": "https://registry.example.test lef'); // torn write
    const other = readFileSync(join(dir, first!), 'utf8');
    writeFileSync(join(dir, second!), JSON.stringify({ key: 'https://registry.example.test other@1.0.0', facts: {} })); // another key
    const reader = new FactsCache(dir);
    expect(reader.get(REGISTRY, 'left', '1.0.0')).toBeUndefined();
    expect(reader.get(REGISTRY, 'right', '1.0.0')).toBeUndefined();
    reader.set(REGISTRY, 'left', factsOf('left', '1.0.0'));
    reader.set(REGISTRY, 'right', factsOf('right', '1.0.0'));
    reader.save();
    expect(readFileSync(join(dir, first!), 'utf8')).not.toBe(other);
    expect(new FactsCache(dir).get(REGISTRY, 'left', '1.0.0')).toEqual(factsOf('left', '1.0.0'));
    expect(new FactsCache(dir).get(REGISTRY, 'right', '1.0.0')).toEqual(factsOf('right', '1.0.0'));
  });

  it('rejects a record whose facts lack the stored shape', () => {
    const cache = new FactsCache(dir);
    cache.set(REGISTRY, 'left', factsOf('left', '1.0.0'));
    cache.save();
    const [path] = records(dir);
    const record = JSON.parse(readFileSync(join(dir, path!), 'utf8')) as { key: string; facts: Record<string, unknown> };
    writeFileSync(join(dir, path!), JSON.stringify({ key: record.key, facts: { ...record.facts, manifest: 'nope' } }));
    expect(new FactsCache(dir).get(REGISTRY, 'left', '1.0.0')).toBeUndefined();
  });

  it('stays within its bound, removing the oldest records first', () => {
    const cache = new FactsCache(dir, 512); // two records per shard
    for (let index = 0; index < 1_500; index++) cache.set(REGISTRY, `pkg-${index}`, factsOf(`pkg-${index}`, '1.0.0'));
    cache.save();
    expect(records(dir).length).toBeLessThanOrEqual(512);
    expect(records(dir).length).toBeGreaterThan(400); // trimmed to the bound, not emptied
    const newest = new FactsCache(dir, 512);
    newest.set(REGISTRY, 'newest', factsOf('newest', '1.0.0'));
    newest.save();
    expect(newest.get(REGISTRY, 'newest', '1.0.0')).toBeDefined();
    expect(records(dir).length).toBeLessThanOrEqual(512);
  });

  it('is safe with concurrent writers: every record read is whole, no temporary file is left', () => {
    // Four processes write the same 300 keys at once (temporary file + rename), a fifth reads meanwhile.
    const module = JSON.stringify(new URL('../../dist/registry/facts-cache.js', import.meta.url).href);
    const writer = `
      const { FactsCache } = await import(${module});
      for (let round = 0; round < 3; round++) {
        const cache = new FactsCache(${JSON.stringify(dir)});
        for (let i = 0; i < 300; i++) cache.set('${REGISTRY}', 'pkg-' + i, { version: '1.0.0', manifest: { name: 'pkg-' + i, padding: 'x'.repeat(4000 + process.pid % 997) }, previous: undefined, published: undefined, firstPublished: undefined, installAnalysis: undefined, filesFault: undefined, provenanceBefore: undefined });
        cache.save();
      }`;
    const reader = `
      const { FactsCache } = await import(${module});
      let seen = 0;
      for (let round = 0; round < 20; round++) {
        const cache = new FactsCache(${JSON.stringify(dir)});
        for (let i = 0; i < 300; i++) {
          const facts = cache.get('${REGISTRY}', 'pkg-' + i, '1.0.0');
          if (facts === undefined) continue;
          if (facts.manifest.name !== 'pkg-' + i || !facts.manifest.padding.startsWith('xxxx')) throw new Error('torn record');
          seen++;
        }
      }
      console.log(seen);`;
    const script = join(work, 'run.mjs');
    writeFileSync(
      script,
      `import { spawn } from 'node:child_process';
      const run = (code) => new Promise((resolve) => { const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] }); let out = ''; child.stdout.on('data', (d) => (out += d)); child.on('close', (status) => resolve({ status, out })); });
      const results = await Promise.all([run(${JSON.stringify(writer)}), run(${JSON.stringify(writer)}), run(${JSON.stringify(writer)}), run(${JSON.stringify(writer)}), run(${JSON.stringify(reader)})]);
      console.log(JSON.stringify(results));`,
    );
    const result = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    const runs = JSON.parse(result.stdout) as { status: number; out: string }[];
    expect(runs.map((run) => run.status)).toEqual([0, 0, 0, 0, 0]);
    const all = readdirSync(dir, { recursive: true, encoding: 'utf8' });
    expect(all.filter((path) => path.endsWith('.tmp'))).toEqual([]);
    expect(records(dir)).toHaveLength(300);
    const cache = new FactsCache(dir);
    for (let index = 0; index < 300; index++) expect(cache.get(REGISTRY, `pkg-${index}`, '1.0.0')?.manifest.name).toBe(`pkg-${index}`);
  });

  it('without a folder (npm has no cache) remembers nothing and writes nothing', () => {
    const cache = new FactsCache(undefined);
    cache.set(REGISTRY, 'left', factsOf('left', '1.0.0'));
    cache.save();
    expect(cache.get(REGISTRY, 'left', '1.0.0')).toBeUndefined();
    expect(FactsCache.forNpmCache(undefined).get(REGISTRY, 'left', '1.0.0')).toBeUndefined();
  });
});
