import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { splitGateArgs } from '../../src/cli/install.js';
import { depwarden } from '../support/cli.js';
import { ROOT } from '../support/paths.js';

const work = mkdtempSync(join(tmpdir(), 'depwarden-front-door-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the front door', () => {
  it('the top-level help lists every command', () => {
    const help = depwarden(['--help']);
    expect(help.status).toBe(0);
    const commands = [...help.stdout.matchAll(/^ {2}([a-z]+) /gm)].map((match) => match[1]);
    expect(commands).toEqual(['check', 'vet', 'install', 'ci', 'exec', 'npx', 'mcp', 'review', 'shims', 'init', 'data', 'help']);
    for (const command of commands.filter((command) => command !== 'help')) {
      expect(depwarden([command!, '--help'])).toMatchObject({ status: 0, stdout: expect.stringContaining(`Usage: depwarden ${command}`) });
    }
  });

  it.each([
    ['chek', 'depwarden: unknown command "chek"; did you mean "check"? Run \'depwarden --help\' for the list\n'],
    ['instal', 'depwarden: unknown command "instal"; did you mean "install"? Run \'depwarden --help\' for the list\n'],
    ['reveiw', 'depwarden: unknown command "reveiw"; did you mean "review"? Run \'depwarden --help\' for the list\n'],
    ['frobnicate', 'depwarden: unknown command "frobnicate"; run \'depwarden --help\' for the list\n'],
  ])('a mistyped command: %s', (command, stderr) => {
    expect(depwarden([command])).toEqual({ status: 2, stdout: '', stderr });
  });

  it('help <command> prints that command’s help; help of a command that does not exist is a usage error', () => {
    expect(depwarden(['help', 'vet'])).toMatchObject({ status: 0, stdout: expect.stringContaining('Usage: depwarden vet') });
    expect(depwarden(['help', 'chek'])).toEqual({
      status: 2,
      stdout: '',
      stderr: 'depwarden: unknown command "chek"; did you mean "check"? Run \'depwarden --help\' for the list\n',
    });
  });

  it('check --help says what it reads and writes', () => {
    const help = depwarden(['check', '--help']).stdout;
    expect(help).not.toContain('Reads no network, writes nothing');
    expect(help).toContain('asks the registry');
    expect(help).toContain('Writes nothing in the\nproject');
  });

  it('without a build, bin/ says so in one line, exit 2', () => {
    cpSync(join(ROOT, 'bin'), join(work, 'bin'), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(work, 'package.json'));
    const run = spawnSync(process.execPath, [join(work, 'bin', 'depwarden.js'), 'check'], { encoding: 'utf8' });
    expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({
      status: 2,
      stdout: '',
      stderr: 'depwarden: dist/ is missing: run npm run build\n',
    });
  });
});

describe("install / ci arguments: npm options read with npm's own definitions", () => {
  it.each([
    [['--fetch-timeout', '60000', 'left-pad'], ['left-pad']],
    [['-w', 'packages/a', 'left-pad'], ['left-pad']],
    [['--workspace=packages/a', 'left-pad'], ['left-pad']],
    [
      ['--omit', 'dev', '--omit=optional', 'a', 'b@^1'],
      ['a', 'b@^1'],
    ],
    [
      ['--save-dev', 'a', '--no-save', 'b'],
      ['a', 'b'],
    ],
    [['--before', '2026-01-01', '--loglevel', 'silly', 'a'], ['a']],
    [['--browser', 'firefox', 'a'], ['a']],
    [['--fetch-time', '60000', 'a'], ['a']],
    [
      ['-D', 'a', '--', '--looks-like-a-flag'],
      ['a', '--looks-like-a-flag'],
    ],
  ])('%j: the package specs are %j', (argv, specs) => {
    expect(splitGateArgs(argv).specs).toEqual(specs);
  });

  it("depwarden's own options are taken out; --registry and --offline also go on to npm", () => {
    expect(
      splitGateArgs(['--scripts', 'all', '--fail-on=critical', '--registry', 'https://registry.example.test/', '--offline', '--fetch-timeout', '60000', 'a']),
    ).toEqual({
      values: { scripts: 'all', 'fail-on': 'critical', registry: 'https://registry.example.test/', offline: true },
      npmArgs: ['--registry', 'https://registry.example.test/', '--offline', '--fetch-timeout', '60000', 'a'],
      specs: ['a'],
      help: false,
    });
  });

  it('--osv-url and --osv-data, listed in the help, are depwarden options, never passed to npm', () => {
    expect(splitGateArgs(['--osv-url', 'https://osv.example.test/', '--osv-data=osv.zip', 'a'])).toEqual({
      values: { 'osv-url': 'https://osv.example.test/', 'osv-data': 'osv.zip' },
      npmArgs: ['a'],
      specs: ['a'],
      help: false,
    });
  });
});
