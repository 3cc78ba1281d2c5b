import npa from 'npm-package-arg';
import { describe, expect, it } from 'vitest';
import { classifySpec, specType } from '../../src/npm/specs.js';

/** What npm-package-arg says a spec fetches, in classifySpec's terms (its fallbacks for `link:` and lone URLs aside). */
function npaKind(spec: string): string {
  let type: string;
  try {
    type = npa.resolve('a', spec, '/').type;
  } catch {
    return 'not registry';
  }
  if (type === 'range' || type === 'version' || type === 'tag' || type === 'alias') return 'registry';
  if (type === 'file' || type === 'directory') return 'local';
  return type;
}

/** A seeded generator: the same strings on every run, so a failure names its input. */
function* specs(count: number): Generator<string> {
  const alphabet = '0123456789.xX*^~<>=v-+| abZ/:';
  let seed = 20_261_201;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  for (let index = 0; index < count; index++) {
    let spec = '';
    const length = 1 + Math.floor(next() * 8);
    for (let char = 0; char < length; char++) spec += alphabet[Math.floor(next() * alphabet.length)];
    yield spec;
  }
}

describe('classifySpec', () => {
  it.each([
    ['^1.2.3', 'registry'],
    ['~1.2', 'registry'],
    ['1.x', 'registry'],
    ['>=1.0.0 <2', 'registry'],
    ['>= 1.43.0 < 2', 'registry'],
    ['^7.4.0 || ^8.0.0-0 <8.0.0', 'registry'],
    ['^1.2.3 || ^2.0.0', 'registry'],
    ['1||2', 'registry'],
    [' >=1.2.3-beta.1 <2.0.0 || 3.x ', 'registry'],
    ['^1.0.0 ||', 'registry'],
    ['>= 1.43.0 < 2', 'registry'],
    ['^ 1.2.3 || ~  2.0', 'registry'],
    ['>= v1.2.3', 'registry'],
    ['', 'registry'],
    ['latest', 'registry'],
    // npa reads these as folders: a fast path that took every leading `.` for a range would judge a local folder as a registry fetch
    ['.5', 'local'],
    ['.x', 'local'],
    ['./evil', 'local'],
    ['..', 'local'],
  ])('reads %j as npm does (%s)', (spec, kind) => {
    expect(classifySpec('a', spec).type).toBe(kind);
    expect(npaKind(spec)).toBe(kind);
  });

  it.each(['^', '|', '<', '^1abc'])('reads %j, which npm refuses, as not a registry fetch', (spec) => {
    expect(npaKind(spec)).toBe('not registry');
    expect(classifySpec('a', spec).type).not.toBe('registry');
  });

  it('agrees with npm-package-arg on 20,000 seeded range-like strings', () => {
    const disagreements: string[] = [];
    for (const spec of specs(20_000)) {
      const expected = npaKind(spec);
      const actual = classifySpec('a', spec).type;
      if (specType('a', spec) !== actual) disagreements.push(`${JSON.stringify(spec)}: specType ${specType('a', spec)}, classifySpec ${actual}`);
      const agrees = expected === 'not registry' ? actual !== 'registry' : expected === actual || (expected === 'remote' && actual === 'remote');
      if (!agrees && !['git', 'remote'].includes(expected)) disagreements.push(`${JSON.stringify(spec)}: npa ${expected}, depwarden ${actual}`);
    }
    expect(disagreements).toEqual([]);
  });

  it.each([
    ['npm:string-width@^4.2.0', 'string-width'],
    ['npm:@scope/real@>= 1.2.3 < 2', '@scope/real'],
    ['npm:x@latest', 'x'],
    ['npm:x@', 'x'],
  ])('reads the alias %j as npm does: a registry fetch of %s', (spec, realName) => {
    expect(classifySpec('a', spec)).toEqual({ type: 'registry', realName });
    expect((npa.resolve('a', spec, '/') as { subSpec?: { name: string } }).subSpec?.name).toBe(realName);
  });

  it('agrees with npm-package-arg on 5,000 seeded aliases (names and ranges npm accepts or refuses)', () => {
    const names = ['a', 'string-width', '@s/x', '@S/x', 'Cap', '.dot', '_u', 'node_modules', 'favicon.ico', 'a~b', 'a.b_c', '@s', '@/x', 'a b', 'x@y', ''];
    const ranges = [
      '^1.2.3',
      '>= 1.0.0 < 2',
      'latest',
      '',
      '.5',
      'x',
      '1.2.3.4',
      'next',
      'git+https://h.example.test/r.git',
      'file:../x',
      'npm:y@1',
      '^',
      '~ 1',
    ];
    let seed = 20_261_203;
    const next = (count: number) => Math.floor(((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31) * count);
    const disagreements: string[] = [];
    for (let index = 0; index < 5_000; index++) {
      const spec = `${next(8) ? 'npm:' : 'NPM:'}${names[next(names.length)]!}${next(10) ? '@' : ''}${ranges[next(ranges.length)]!}`;
      let expected: string | undefined;
      try {
        const parsed = npa.resolve('a', spec, '/') as { type: string; subSpec?: { name: string } };
        expected = parsed.type === 'alias' ? parsed.subSpec?.name : undefined;
      } catch {
        expected = undefined;
      }
      const kind = classifySpec('a', spec);
      const actual = kind.type === 'registry' ? kind.realName : undefined;
      if (expected !== actual) disagreements.push(`${JSON.stringify(spec)}: npa ${expected}, depwarden ${actual}`);
    }
    expect(disagreements).toEqual([]);
  });

  it('agrees with npm-package-arg on 5,000 seeded compound ranges (comparators joined by spaces and ||)', () => {
    const pieces = [
      '^1.2.3',
      '~1.2',
      '1.x',
      '>=1.0.0',
      '<2',
      '<=2.0.0-rc.1',
      '=1.2.3+build.5',
      'v1',
      '*',
      'x',
      '.5',
      '^',
      '1.2.3.4',
      'latest',
      '01',
      '>= 1.2.3',
      '< 2',
      '^ 1.2',
      '~  1.x',
      '= 1.2.3',
      '>= v1',
      '>=  *',
      '~ ',
      '> =',
      '>= 1.43.0',
      '~  v1',
      '= 3',
      '>=  ',
    ];
    const joins = [' ', '  ', '||', ' || ', ' - ', '\t', ''];
    let seed = 20_261_202;
    const next = (count: number) => Math.floor(((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31) * count);
    const disagreements: string[] = [];
    for (let index = 0; index < 5_000; index++) {
      let spec = (next(2) ? ' ' : '') + pieces[next(pieces.length)]!;
      for (let more = next(4); more > 0; more--) spec += joins[next(joins.length)]! + pieces[next(pieces.length)]!;
      const expected = npaKind(spec);
      const actual = classifySpec('a', spec).type;
      if ((expected === 'registry') !== (actual === 'registry')) disagreements.push(`${JSON.stringify(spec)}: npa ${expected}, depwarden ${actual}`);
    }
    expect(disagreements).toEqual([]);
  });
});
