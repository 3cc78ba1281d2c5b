import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { isBareSpec, refusedName } from '../../src/tree/names.js';

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
