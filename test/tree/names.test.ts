import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  isBareSpec,
  isNameOnly,
  nameOnlyCount,
  nameOnlyNode,
  parseNameArgument,
  readVetNames,
  refusedArgument,
  refusedName,
  treeFromNames,
  treeFromVetNames,
  vetRounds,
} from '../../src/tree/names.js';
import { dependencyPaths, packageCount, pathTo } from '../../src/tree/paths.js';
import type { VetName } from '../../src/tree/model.js';
import { resolvedEdges, unusualEdges, unusualSpecEdges } from '../../src/tree/queries.js';
import { classifySpec } from '../../src/npm/specs.js';

const require = createRequire(import.meta.url);
const npa = require('npm-package-arg') as typeof import('npm-package-arg');
const validateName = require('validate-npm-package-name') as typeof import('validate-npm-package-name');

/** npm-package-arg's own answer: a path, URL or git spec that names no package. */
function npaSaysBare(text: string): boolean {
  if (text.startsWith('@')) return false;
  try {
    const parsed = npa(text);
    return !parsed.name && ['file', 'directory', 'remote', 'git'].includes(parsed.type);
  } catch {
    return false;
  }
}

// Names, names with specs, and every form npa reads as a path, URL or git spec, with the characters that decide.
const TEXTS = [
  'react',
  'lodash@4',
  'left-pad@^1.0.0',
  '@babel/core',
  '@babel/core@7',
  'x',
  'a.b',
  'a..b',
  'a~b',
  '~a',
  '.a',
  '..',
  '.',
  '_private',
  'node_modules',
  'favicon.ico',
  'foo.tgz',
  'foo.tar',
  'foo.tar.gz',
  'foo.TGZ',
  'fooxtar.gz',
  'foo@1.tgz',
  './lib',
  '../x.tgz',
  '~/pkg',
  '/abs/dir',
  'lib/',
  'user/repo',
  'user/repo#main',
  'github:u/r',
  'git+ssh://git@host.example.test/r.git',
  'git@host.example.test:u/r.git',
  'https://host.example.test/x.tgz',
  'file:../x',
  'npm:react@1',
  'alias@npm:react@1',
  'c:thing',
  'C:\\dir',
  'a\\b',
  'foo#bar',
  'foo bar',
  ' foo',
  'FooBar',
  'foo!',
  "foo'",
  'foo(1)',
  'foo*',
  'l\u043edash',
  'a'.repeat(300),
  '@scope/.hidden',
  '@.x/y',
  'foo@',
  'foo@latest',
  'foo@file:bar',
  'foo@./bar',
  'foo@github:u/r',
  'x:y',
  'tar',
  'tgz',
  '.tgz',
  'a.tar.gz.b',
];

describe('isBareSpec', () => {
  it.each(TEXTS)('answers as npm-package-arg does for %j', (text) => {
    expect(isBareSpec(text)).toBe(npaSaysBare(text));
  });
});

describe('refusedName', () => {
  it.each(TEXTS.filter((text) => !/[\u0000-\u001f]/.test(text)))('refuses %j exactly when validate-npm-package-name does', (name) => {
    expect(refusedName(name) === undefined).toBe(validateName(name).validForOldPackages);
  });

  it('refuses look-alike and invisible characters as npm does, and names them', () => {
    expect(refusedName('l\u043edash')).toBe('name can only contain URL-friendly characters; \\u{43e} is outside ASCII, a look-alike or invisible character');
    expect(refusedName('lo\u200bda\u200bsh\u0430')).toBe(
      'name can only contain URL-friendly characters; \\u{200b}\\u{430} are outside ASCII, a look-alike or invisible character',
    );
  });

  it('says why, in the validator words, for a refused plain-looking name', () => {
    expect(refusedName('node_modules')).toBe('node_modules is not a valid package name');
    expect(refusedName('favicon.ico')).toBe('favicon.ico is not a valid package name');
  });
});

// vet reads each argument once (readVetNames): its parse and refusal must be the ones the separate functions give.
describe('readVetNames', () => {
  const texts = [...TEXTS, ' lodash ', 'lodash@^4', 'a\u0000b', '', '   ', '@scope/', 'node_modules'];

  it.each(texts)('reads %j as parseNameArgument and refusedArgument do', (text) => {
    const { names, refused } = readVetNames([{ text, line: 7 }]);
    const reason = refusedArgument(text);
    if (reason === undefined) {
      expect(refused).toBeUndefined();
      expect(names).toEqual([{ ...parseNameArgument(text), line: 7 }]);
    } else {
      expect(refused).toEqual({ argument: { text, line: 7 }, reason });
      expect(names).toEqual([]);
    }
  });

  it('says when control characters are in the spec of a name npm accepts, or in a spec alone, not in the name', () => {
    const inSpec = (text: string) => readVetNames([{ text }]).refused?.inSpec;
    expect(['x@https://h.example.test/\u001bx.tgz', 'x@1\u0000', 'https://h.example.test/\u001bx.tgz', 'github:u/r\u202e'].map(inSpec)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['lo\u0001dash@1', 'lo\u0001dash', 'l\u043edash@\u0001', '_x@1\u0001'].map(inSpec)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('stops at the first refused argument, with the names read before it', () => {
    const { names, refused } = readVetNames([
      { text: 'react', line: 1 },
      { text: '@scope/', line: 2 },
      { text: 'lodash', line: 3 },
    ]);
    expect(names.map(({ name }) => name)).toEqual(['react']);
    expect(refused?.argument.line).toBe(2);
  });
});

describe('vetRounds', () => {
  const read = (...texts: string[]) => readVetNames(texts.map((text, index) => ({ text, line: index + 1 }))).names;
  const specs = (rounds: ReturnType<typeof vetRounds>) => rounds.map((round) => round.map(({ name, spec, line }) => `${line}:${name}@${spec}`));

  it('puts a name given again with another spec in a later round, and the same spec again nowhere', () => {
    const rounds = vetRounds(read('lodash', 'react', 'lodash@https://evil.example.test/x.tgz', 'lodash', 'lodash@github:evil/lodash', 'react@^18'));
    expect(specs(rounds)).toEqual([['1:lodash@*', '2:react@*'], ['3:lodash@https://evil.example.test/x.tgz', '6:react@^18'], ['5:lodash@github:evil/lodash']]);
  });

  it('makes one round of names each given once', () => {
    expect(vetRounds(read('a', 'b', '@s/c@1'))).toHaveLength(1);
  });
});

describe('names around Unicode white space', () => {
  it('keeps a no-break space, which npm refuses, and trims only ASCII blanks and a CRLF end', () => {
    expect(parseNameArgument('\u00a0lodash').name).toBe('\u00a0lodash');
    expect(refusedArgument('\u00a0lodash')).toContain('outside ASCII');
    expect(refusedArgument('lodash\u3000')).toContain('outside ASCII');
    expect(readVetNames([{ text: ' lodash\r' }]).names[0]?.name).toBe('lodash');
  });
});

describe('the tree of names to vet', () => {
  const source = { sourceFile: 'names.txt', projectDir: '/project' };
  const texts = ['react', 'lodash@^4', 'react@18', 'al@npm:lodash@4', './lib', 'github:u/r', 'x@https://host.example.test/x.tgz', 'lodash'];

  it('holds each location once, as first given, declared by the root, with nothing resolved', () => {
    // As vet gives them: its first round, each name once as first given.
    const tree = treeFromVetNames(vetRounds(readVetNames(texts.map((text, index) => ({ text, line: index + 1 }))).names)[0]!, source);
    expect([...tree.nodes.keys()]).toEqual([
      '',
      'node_modules/react',
      'node_modules/lodash',
      'node_modules/al',
      'node_modules/./lib',
      'node_modules/github:u/r',
      'node_modules/x',
    ]);
    expect(tree.root.edgesOut.get('lodash')).toMatchObject({ spec: '^4', to: tree.nodes.get('node_modules/lodash') });
    const alias = tree.nodes.get('node_modules/al')!;
    // Every field a rule reads, as createNode would give a node that resolved to nothing yet.
    expect({ ...Object.getPrototypeOf(alias), ...alias }).toMatchObject({
      location: 'node_modules/al',
      installName: 'al',
      name: 'lodash',
      version: undefined,
      resolved: undefined,
      integrity: undefined,
      isRoot: false,
      isWorkspace: false,
      isLink: false,
      isLinkTarget: false,
      dev: false,
      optional: false,
      inBundle: false,
      declaredOnly: false,
      hasInstallScript: false,
    });
    expect(alias.edgesIn).toEqual([tree.root.edgesOut.get('al')]);
    expect(alias.edgesOut.size).toBe(0);
    expect(() => alias.edgesOut.set('x', alias.edgesIn[0]!)).toThrow('declares no dependencies');
    // The same tree from the arguments as typed.
    expect([
      ...treeFromNames(
        texts.map((text) => ({ text })),
        source,
      ).nodes.keys(),
    ]).toEqual([...tree.nodes.keys()]);
  });

  it('lists apart the edges whose spec is no range, which the URL, git and local rules judge', () => {
    const tree = treeFromNames(
      texts.map((text) => ({ text })),
      source,
    );
    expect(unusualEdges(tree).map(({ edge }) => edge.name)).toEqual(['al', './lib', 'github:u/r', 'x']);
    expect(unusualSpecEdges(tree)).toEqual(unusualEdges(tree).map(({ edge }) => edge));
    for (const { edge } of resolvedEdges(tree))
      if (!unusualEdges(tree).some((unusual) => unusual.edge === edge))
        expect(classifySpec(edge.name, edge.spec)).toEqual({ type: 'registry', realName: edge.name });
  });

  it('gives each node the chain a walk of the whole tree gives', () => {
    const tree = treeFromNames(
      texts.map((text) => ({ text })),
      source,
    );
    const walked = dependencyPaths(tree);
    for (const node of tree.nodes.values()) expect(pathTo(tree, node)).toEqual(walked.get(node) ?? []);
    expect(pathTo(tree, tree.nodes.get('node_modules/al')!)).toEqual(['al']);
  });

  it('keeps plain names with a range that nothing but the name is known of as names, in the order given, with no node', () => {
    const read = vetRounds(
      readVetNames([...texts, 'left-pad', '@s/c@^2', 'Upper', 'tagged@next', 'left-pad', 'cached'].map((text, index) => ({ text, line: index + 1 }))).names,
    )[0]!;
    const asked: string[] = [];
    const tree = treeFromVetNames(read, source, (name) => (asked.push(name), name !== 'cached'));
    // Asked only of plain names with a range, each location once: not of aliases, URL, git or local specs, tags, or
    // names npm refuses.
    expect(asked).toEqual(['react', 'lodash', 'left-pad', '@s/c', 'cached']);
    expect([...tree.nodes.keys()]).toEqual([
      '',
      'node_modules/al',
      'node_modules/./lib',
      'node_modules/github:u/r',
      'node_modules/x',
      'node_modules/Upper',
      'node_modules/tagged',
      'node_modules/cached',
    ]);
    // In the order given: the names known by name only as read, the others as their nodes.
    expect(tree.vetNames?.map((entry) => (isNameOnly(entry) ? `${entry.line}:${entry.location}` : entry))).toEqual([
      '1:node_modules/react',
      '2:node_modules/lodash',
      tree.nodes.get('node_modules/al'),
      tree.nodes.get('node_modules/./lib'),
      tree.nodes.get('node_modules/github:u/r'),
      tree.nodes.get('node_modules/x'),
      '9:node_modules/left-pad',
      '10:node_modules/@s/c',
      tree.nodes.get('node_modules/Upper'),
      tree.nodes.get('node_modules/tagged'),
      tree.nodes.get('node_modules/cached'),
    ]);
    expect(nameOnlyCount(tree)).toBe(4);
    expect(packageCount(tree)).toBe(11);
    expect([...tree.root.edgesOut.keys()]).toEqual(['al', './lib', 'github:u/r', 'x', 'Upper', 'tagged', 'cached']);

    // A finding's node, made on demand: as the tree without names known by name only would hold it, outside `nodes`.
    const scoped = tree.vetNames!.find((entry) => isNameOnly(entry) && entry.name === '@s/c') as VetName;
    const node = nameOnlyNode(tree, scoped);
    expect(nameOnlyNode(tree, scoped)).toBe(node);
    expect(tree.nodes.has('node_modules/@s/c')).toBe(false);
    const whole = treeFromVetNames(read, source);
    expect({ ...Object.getPrototypeOf(node), ...node, edgesIn: undefined }).toEqual({
      ...Object.getPrototypeOf(whole.nodes.get('node_modules/@s/c')),
      ...whole.nodes.get('node_modules/@s/c'),
      edgesIn: undefined,
    });
    expect(node.edgesIn).toEqual([{ name: '@s/c', spec: '^2', type: 'prod', from: tree.root, to: node }]);
    expect(pathTo(tree, node)).toEqual(['@s/c']);
    // Without the question, every name has its node, as before.
    expect(nameOnlyCount(whole)).toBe(0);
    expect(packageCount(whole)).toBe(11);
  });
});
