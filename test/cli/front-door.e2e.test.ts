import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { splitGateArgs } from '../../src/cli/install.js';
import { depwarden as spawned, depwardenInProcess as depwarden } from '../support/cli.js';
import { ROOT } from '../support/paths.js';

const work = mkdtempSync(join(tmpdir(), 'depwarden-front-door-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// main() in this process for help and usage errors: the built CLI's exit codes and streams are proven by check.e2e's
// spawned runs; the runs below that need a process of their own stay spawned.
describe('the front door', () => {
  it('the top-level help lists every command', async () => {
    const help = await depwarden(['--help']);
    expect(help.status).toBe(0);
    const commands = [...help.stdout.matchAll(/^ {2}([a-z]+) /gm)].map((match) => match[1]);
    expect(commands).toEqual(['check', 'vet', 'install', 'ci', 'exec', 'npx', 'mcp', 'review', 'shims', 'init', 'data', 'help']);
    for (const command of commands.filter((command) => command !== 'help')) {
      expect(await depwarden([command!, '--help'])).toMatchObject({ status: 0, stdout: expect.stringContaining(`Usage: depwarden ${command}`) });
    }
  });

  it.each([
    ['chek', 'depwarden: unknown command "chek"; did you mean "check"? Run \'depwarden --help\' for the list\n'],
    ['instal', 'depwarden: unknown command "instal"; did you mean "install"? Run \'depwarden --help\' for the list\n'],
    ['reveiw', 'depwarden: unknown command "reveiw"; did you mean "review"? Run \'depwarden --help\' for the list\n'],
    ['frobnicate', 'depwarden: unknown command "frobnicate"; run \'depwarden --help\' for the list\n'],
  ])('a mistyped command: %s', async (command, stderr) => {
    expect(await depwarden([command])).toEqual({ status: 2, stdout: '', stderr });
  });

  it('help <command> prints that command’s help; help of a command that does not exist is a usage error', async () => {
    expect(await depwarden(['help', 'vet'])).toMatchObject({ status: 0, stdout: expect.stringContaining('Usage: depwarden vet') });
    expect(await depwarden(['help', 'chek'])).toEqual({
      status: 2,
      stdout: '',
      stderr: 'depwarden: unknown command "chek"; did you mean "check"? Run \'depwarden --help\' for the list\n',
    });
  });

  it('check --help says what it reads and writes', async () => {
    const help = (await depwarden(['check', '--help'])).stdout;
    expect(help).not.toContain('Reads no network, writes nothing');
    expect(help).toContain('asks the registry');
    expect(help).toContain('Writes nothing in the\nproject');
  });

  it('a value option followed by a dash word is a one-line usage error in every parser; --opt=-x is the value', async () => {
    const dashValue = (flag: string, value: string) =>
      `depwarden: ${flag} needs a value; found "${value}" (a value that starts with a dash is given as ${flag}=${value})\n`;
    const cases: [string[], string][] = [
      [['shims', '--dir', '-x'], dashValue('--dir', '-x')],
      [['check', '--timeout', '-5'], dashValue('--timeout', '-5')],
      [['vet', 'a', '--from', '-names'], dashValue('--from', '-names')],
      [['review', '--base', '-main'], dashValue('--base', '-main')],
      [['install', '--scripts', '-all'], dashValue('--scripts', '-all')],
      [['ci', '--registry', '-x'], dashValue('--registry', '-x')],
      [['exec', '--format', '-json', 'dw-plain'], dashValue('--format', '-json')],
      [['data', 'update', '--osv-export', '-x'], dashValue('--osv-export', '-x')],
      [['check', '--format', '--offline'], 'depwarden: --format needs a value; found the option --offline\n'],
    ];
    for (const [args, stderr] of cases) expect({ args, ...(await depwarden(args, { cwd: work })) }).toEqual({ args, status: 2, stdout: '', stderr });
    expect(existsSync(join(work, '-x'))).toBe(false);
    // Written as --opt=value, a dash value is the value: it reaches the option's own check.
    expect(await depwarden(['check', '--timeout=-5'], { cwd: work })).toMatchObject({
      status: 2,
      stderr: 'depwarden: --timeout must be a whole number above 0; found "-5"\n',
    });
  });

  // Spawned: a run that hangs (as node's recursive mkdir did on procfs) is killed, where in this process it would block the worker.
  it("shims --dir where no folder can be made fails at once with one line (on procfs, node's recursive mkdir never returned)", () => {
    const file = join(work, 'a-file');
    writeFileSync(file, 'x');
    expect(spawned(['shims', '--dir', '/proc/depwarden-x/y'], { cwd: work, timeout: 60_000 })).toEqual({
      status: 2,
      stdout: '',
      stderr: 'depwarden: cannot create the shims folder /proc/depwarden-x/y (ENOENT at /proc/depwarden-x)\n',
    });
    expect(spawned(['shims', '--dir', join(file, 'shims')], { cwd: work })).toEqual({
      status: 2,
      stdout: '',
      stderr: `depwarden: cannot create the shims folder ${join(file, 'shims')} (ENOTDIR at ${join(file, 'shims')})\n`,
    });
    expect(spawned(['shims', '--dir', file], { cwd: work })).toEqual({
      status: 2,
      stdout: '',
      stderr: `depwarden: cannot put shims in ${file}: it is not a folder\n`,
    });
    const made = join(work, 'new', 'deeper', 'shims');
    expect(spawned(['shims', '--dir=' + made], { cwd: work }).status).toBe(0);
    expect(existsSync(join(made, 'npm'))).toBe(true);
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
