import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { depwarden } from '../support/cli.js';
import { isolatedHome, runMain } from '../support/in-process.js';
import { FIXTURES } from '../support/paths.js';
import { REGISTRY } from '../support/tree.js';

/**
 * A seeded mutation fuzzer over the committed lockfile fixtures: keys deleted, values swapped for other types,
 * junk keys inserted, text truncated, a BOM or CRLF line ends, bytes flipped. Whatever the input, `check` must
 * end in 0, 1 or 2 (never 3, a bug), say an input error in one line on stderr, and print valid JSON otherwise.
 * The seed is fixed so a failure reproduces; FUZZ_SEED tries another.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 12);
const IN_PROCESS_MUTANTS = 360;
const BUILT_CLI_MUTANTS = 6;

const FIXTURE_DIRS: readonly { dir: string; lockfile: string }[] = [
  { dir: 'npm-v1', lockfile: 'package-lock.json' },
  { dir: 'npm-v2', lockfile: 'package-lock.json' },
  { dir: 'npm-v3', lockfile: 'package-lock.json' },
  { dir: 'shrinkwrap', lockfile: 'npm-shrinkwrap.json' },
  { dir: 'tampered-v1', lockfile: 'package-lock.json' },
  { dir: 'tampered-v3', lockfile: 'package-lock.json' },
  { dir: 'workspaces', lockfile: 'package-lock.json' },
  { dir: 'risky/app', lockfile: 'package-lock.json' },
];

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const JUNK_VALUES: readonly unknown[] = [
  0,
  -1,
  1.5,
  1e308,
  true,
  false,
  null,
  [],
  {},
  [1, 'a'],
  { a: null },
  '',
  'junk',
  '\u0000\u001b[31mred',
  '\ud800',
  'npm:',
  'npm:@',
  '../x',
  '/abs',
  'file:../x.tgz',
  'git+ssh://git@host.example.test/x.git#0123456789abcdef0123456789abcdef01234567',
  'owner/repo',
  'https://evil.example.test/x.tgz',
  'ftp://x/y',
  'http://[bad',
  'workspace:*',
  'link:../x',
  'sha1-AAAA',
  'x'.repeat(5000),
];
const JUNK_KEYS: readonly string[] = [
  '',
  '__proto__',
  'constructor',
  'node_modules/',
  'node_modules/\ud800',
  'node_modules/a/node_modules/',
  '../../etc',
  'link',
  'resolved',
  'integrity',
  'dependencies',
  'requires',
  'version',
  'node_modules/@s',
  'node_modules/.bin',
  'node_modules/A B',
];

type Json = unknown;

/** Every (container, key) in a JSON value, found with a work list (fixtures are small, but stay iterative). */
function slots(root: Json): { parent: Record<string, Json> | Json[]; key: string | number }[] {
  const found: { parent: Record<string, Json> | Json[]; key: string | number }[] = [];
  const work: Json[] = [root];
  for (let value = work.pop(); value !== undefined; value = work.pop()) {
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        found.push({ parent: value, key: index });
        work.push(item);
      });
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        found.push({ parent: value as Record<string, Json>, key });
        work.push(item);
      }
    }
  }
  return found;
}

function objects(root: Json): Record<string, Json>[] {
  const found = slots(root)
    .map(({ parent, key }) => (parent as Record<string | number, Json>)[key])
    .filter((value): value is Record<string, Json> => typeof value === 'object' && value !== null && !Array.isArray(value));
  return typeof root === 'object' && root !== null && !Array.isArray(root) ? [root as Record<string, Json>, ...found] : found;
}

/** One mutation of a JSON text; returns the new text and what was done, for the failure message. */
function mutate(text: string, next: () => number): { text: string; what: string } {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const operator = Math.floor(next() * 9);
  if (operator === 0) {
    const at = Math.floor(next() * text.length);
    return { text: text.slice(0, at), what: `truncate at ${at}` };
  }
  if (operator === 1) return { text: `\ufeff${text}`, what: 'BOM' };
  if (operator === 2) return { text: text.replaceAll('\n', '\r\n'), what: 'CRLF' };
  if (operator === 3) {
    const at = Math.floor(next() * text.length);
    const junk = pick(['"', '{', '}', ',', '\\', '\u0000', '\ud800', ']', 'null', ':']);
    return { text: `${text.slice(0, at)}${junk}${text.slice(at + 1)}`, what: `byte at ${at} -> ${JSON.stringify(junk)}` };
  }
  const value = JSON.parse(text) as Json;
  const all = slots(value);
  if (all.length === 0) return { text: '[]', what: 'empty' };
  const slot = pick(all);
  const parent = slot.parent as Record<string | number, Json>;
  const where = String(slot.key);
  if (operator === 4 || operator === 5) {
    if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
    else delete parent[slot.key];
    return { text: JSON.stringify(value, null, 2), what: `delete ${where}` };
  }
  if (operator === 6 || operator === 7) {
    const junk = pick(JUNK_VALUES);
    parent[slot.key] = structuredClone(junk);
    return { text: JSON.stringify(value, null, 2), what: `set ${where} = ${JSON.stringify(junk)?.slice(0, 40)}` };
  }
  const target = pick(objects(value));
  const key = next() < 0.5 ? pick(JUNK_KEYS) : `node_modules/${pick(['dw-core', 'x', '@s/y', 'dw-util/node_modules/z'])}`;
  const junk = next() < 0.5 ? structuredClone(pick(JUNK_VALUES)) : { version: '1.0.0', resolved: pick(JUNK_VALUES) };
  Object.defineProperty(target, key, { value: junk, enumerable: true, configurable: true, writable: true });
  return { text: JSON.stringify(value, null, 2), what: `insert ${JSON.stringify(key)} = ${JSON.stringify(junk)?.slice(0, 40)}` };
}

interface Mutant {
  fixture: (typeof FIXTURE_DIRS)[number];
  file: string;
  text: string;
  what: string;
}

/** The mutants of one seed, in order: mostly the lockfile, sometimes package.json; some get two mutations. */
function mutants(count: number, seed: number): Mutant[] {
  const next = random(seed);
  const list: Mutant[] = [];
  for (let index = 0; index < count; index++) {
    const fixture = FIXTURE_DIRS[index % FIXTURE_DIRS.length]!;
    const file = next() < 0.2 ? 'package.json' : fixture.lockfile;
    let text = readFileSync(join(FIXTURES, fixture.dir, file), 'utf8');
    const steps: string[] = [];
    for (let times = next() < 0.3 ? 2 : 1; times > 0; times--) {
      try {
        const result = mutate(text, next);
        text = result.text;
        steps.push(result.what);
      } catch {
        break; // the first mutation left text that is not JSON: keep it as it is
      }
    }
    list.push({ fixture, file, text, what: steps.join(', then ') });
  }
  return list;
}

/** What a run must be, whatever the input; undefined when it is. */
function verdict(run: { status: number | null; stdout: string; stderr: string }): string | undefined {
  if (run.status !== 0 && run.status !== 1 && run.status !== 2) return `exit ${run.status}: ${run.stderr.slice(0, 300)}`;
  const lines = run.stderr.trimEnd() === '' ? 0 : run.stderr.trimEnd().split('\n').length;
  if (run.status === 2) {
    if (lines !== 1) return `exit 2 with ${lines} stderr lines: ${run.stderr.slice(0, 300)}`;
    if (run.stdout !== '') return 'exit 2 but something on stdout';
    return undefined;
  }
  if (lines > 1) return `${lines} stderr lines: ${run.stderr.slice(0, 300)}`;
  try {
    const report = JSON.parse(run.stdout) as { findings?: unknown };
    if (!Array.isArray(report.findings)) return 'JSON without findings';
  } catch (error) {
    return `stdout is not JSON (${(error as Error).message})`;
  }
  return undefined;
}

describe(`fuzzing check over the committed fixtures (seed ${SEED})`, () => {
  const home = isolatedHome();
  const scratch = mkdtempSync(join(tmpdir(), 'depwarden-fuzz-'));
  afterAll(() => {
    home.remove();
    rmSync(scratch, { recursive: true, force: true });
  });
  const projects = new Map(
    FIXTURE_DIRS.map((fixture) => {
      const dir = join(scratch, fixture.dir.replaceAll('/', '-'));
      cpSync(join(FIXTURES, fixture.dir), dir, { recursive: true });
      return [fixture, dir] as const;
    }),
  );
  const args = (dir: string) => ['check', dir, '--format', 'json', '--offline', '--registry', REGISTRY];

  /** Writes the mutant into its project, runs, and puts the original file back. */
  async function withMutant<T>(mutant: Mutant, run: (dir: string) => T | Promise<T>): Promise<T> {
    const dir = projects.get(mutant.fixture)!;
    const path = join(dir, mutant.file);
    const original = readFileSync(path, 'utf8');
    writeFileSync(path, mutant.text);
    try {
      return await run(dir);
    } finally {
      writeFileSync(path, original);
    }
  }

  it(`${IN_PROCESS_MUTANTS} mutants in process: exit 0, 1 or 2, one-line errors, JSON reports`, async () => {
    const failures: string[] = [];
    const exits = [0, 0, 0];
    for (const [index, mutant] of mutants(IN_PROCESS_MUTANTS, SEED).entries()) {
      const run = await withMutant(mutant, (dir) => runMain(args(dir), home.env));
      const problem = verdict(run);
      if (problem) failures.push(`#${index} ${mutant.fixture.dir}/${mutant.file} (${mutant.what}): ${problem}`);
      else exits[run.status!]!++;
    }
    expect(failures.slice(0, 8)).toEqual([]);
    // The mutants reach every outcome: clean trees, findings and refused input.
    expect(exits.every((count) => count > 0)).toBe(true);
  }, 240_000);

  it(`${BUILT_CLI_MUTANTS} mutants through the built CLI`, async () => {
    const failures: string[] = [];
    for (const [index, mutant] of mutants(BUILT_CLI_MUTANTS, SEED + 1).entries()) {
      const run = await withMutant(mutant, (dir) => depwarden(args(dir), { env: home.env, timeout: 60_000 }));
      const problem = verdict(run);
      if (problem) failures.push(`#${index} ${mutant.fixture.dir}/${mutant.file} (${mutant.what}): ${problem}`);
    }
    expect(failures).toEqual([]);
  }, 240_000);
});
