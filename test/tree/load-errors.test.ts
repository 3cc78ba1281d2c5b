import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { diskFiles } from '../../src/tree/files.js';
import { loadProject } from '../../src/tree/load.js';
import { FIXTURES } from '../support/paths.js';
import { tempDir } from '../support/temp.js';

async function failure(name: string, nodeModules = false): Promise<string> {
  const dir = join(FIXTURES, 'bad', name);
  try {
    await loadProject(diskFiles(dir), { nodeModules });
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    const { file, message } = error as InputError;
    return `${file ? `${file}: ` : ''}${message}`.replaceAll(dir, '<dir>');
  }
  throw new Error(`${name} loaded without an error`);
}

describe('bad input is one clear InputError naming the file', () => {
  it.each([
    ['truncated', /^package-lock\.json: is not valid JSON \(.+\)$/],
    ['empty', /^package-lock\.json: is empty$/],
    ['not-object', /^package-lock\.json: must hold a JSON object$/],
    ['unknown-version', /^package-lock\.json: has lockfileVersion 99; depwarden reads versions 1, 2 and 3$/],
    ['packages-not-object', /^package-lock\.json: "packages" must be an object, found a string$/],
    ['wrong-type', /^package-lock\.json: "packages"\["node_modules\/a"\]\.version must be a string, found a number$/],
    ['bad-package-json', /^package\.json: is not valid JSON/],
    [
      'no-lockfile',
      /^no lockfile in <dir> \(package-lock\.json, npm-shrinkwrap\.json, yarn\.lock, pnpm-lock\.yaml or bun\.lock\): run `npm install --package-lock-only`, or use --node-modules$/,
    ],
    ['yarn', /^yarn\.lock: has git merge-conflict markers/],
  ])('%s', async (name, expected) => {
    expect(await failure(name)).toMatch(expected);
  });

  it('a name with terminal control characters is refused, and shown escaped', async () => {
    const message = await failure('hostile-name');
    expect(message).toContain('\\x1b]8;;http://evil\\x07x');
    expect(message).toMatch(/is not a usable path/);
    expect(message).not.toMatch(/[\u0000-\u001f]/);
  });

  it('a look-alike or invisible character in a name is refused as npm refuses it, and shown escaped', async () => {
    const dir = tempDir('lookalike');
    const lock = { lockfileVersion: 3, packages: { '': { dependencies: { 'l\u043edash': '^4' } }, 'node_modules/l\u043edash': { version: '4.17.21' } } };
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0' }));
    writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lock));
    const error = await loadProject(diskFiles(dir), { nodeModules: false }).catch((caught: unknown) => caught as InputError);
    // The place (the lockfile key) shows the name escaped as well: no raw look-alike anywhere in the line.
    expect((error as InputError).message).toBe(
      '"packages"["node_modules/l\\u{43e}dash"] names a package "l\\u{43e}dash" that npm would refuse (name can only contain URL-friendly characters)',
    );
  });

  it.each([
    ['package-lock.json', JSON.stringify({ packages: {} }), 'package-lock.json: has no lockfileVersion; depwarden reads versions 1, 2 and 3'],
    [
      'package-lock.json',
      JSON.stringify({ lockfileVersion: '3', packages: {} }),
      'package-lock.json: has lockfileVersion "3"; depwarden reads versions 1, 2 and 3',
    ],
    ['bun.lock', JSON.stringify({ workspaces: {}, packages: {} }), 'bun.lock: has no lockfileVersion; depwarden reads bun.lock versions 0 to 2'],
    ['pnpm-lock.yaml', 'importers: {}\n', 'pnpm-lock.yaml: has no lockfileVersion; depwarden reads pnpm lockfiles 5.3, 5.4, 6.x and 9.0'],
    ['pnpm-lock.yaml', "lockfileVersion: '4.0'\n", 'pnpm-lock.yaml: has lockfileVersion 4.0; depwarden reads pnpm lockfiles 5.3, 5.4, 6.x and 9.0'],
  ])('%s with a missing or unknown lockfileVersion says which (%#)', async (lockfile, text, expected) => {
    const dir = tempDir('lockfile-version');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0' }));
    writeFileSync(join(dir, lockfile), text);
    const error = await loadProject(diskFiles(dir), { nodeModules: false }).catch((caught: unknown) => caught as InputError);
    expect(error).toBeInstanceOf(InputError);
    expect(`${(error as InputError).file}: ${(error as InputError).message}`).toBe(expected);
  });

  it('a resolved or integrity of megabytes is refused by its length, naming the entry and the field', async () => {
    const long = 5 * 1024 * 1024;
    const cases = {
      // A host of 'a.a.a.…': each of its word starts once made the redaction of reports scan the rest (quadratic).
      resolved: { resolved: `https://${'a.'.repeat(long / 2)}example.test/a/-/a-1.0.0.tgz`, integrity: 'sha512-AAAA' },
      integrity: { resolved: 'https://registry.example.test/a/-/a-1.0.0.tgz', integrity: `sha512-${'A'.repeat(long)}` },
    };
    for (const [field, entry] of Object.entries(cases)) {
      const dir = tempDir(`long-${field}`);
      const lock = { lockfileVersion: 3, packages: { '': { dependencies: { a: '^1' } }, 'node_modules/a': { version: '1.0.0', ...entry } } };
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', dependencies: { a: '^1' } }));
      writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lock));
      const length = (entry as Record<string, string>)[field]!.length.toLocaleString('en-US');
      await expect(loadProject(diskFiles(dir), { nodeModules: false })).rejects.toThrow(
        `the entry "node_modules/a": its "${field}" is ${length} characters long; no lockfile value is (at most 65,536)`,
      );
    }
  });

  it('__proto__ is refused as a package name, and pollutes nothing', async () => {
    expect(await failure('proto-name')).toMatch(/"__proto__" that npm would refuse \(name cannot start with an underscore\)/);
    expect(({} as Record<string, unknown>).version).toBeUndefined();
  });

  it('--node-modules without node_modules says so', async () => {
    expect(await failure('no-lockfile', true)).toMatch(/^no node_modules in <dir>: install first/);
  });
});
