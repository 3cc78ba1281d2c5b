import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import AjvDraft04 from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { ISOLATED_ENV } from '../support/check.js';
import { depwardenInProcess as depwarden } from '../support/cli.js';
import { tempDir } from '../support/temp.js';
import { BIN, FIXTURES } from '../support/paths.js';
import { loadNameIndex } from '../../src/popularity/load.js';

const SARIF_SCHEMA = JSON.parse(readFileSync(join(FIXTURES, 'sarif', 'sarif-2.1.0-rtm.5.json'), 'utf8'));

const rulesOf = (stdout: string) =>
  JSON.parse(stdout).findings.map(
    (finding: { rule: string; package: { name: string }; severity: string }) => `${finding.severity} ${finding.rule} ${finding.package.name}`,
  );

// main() in-process; standard input is read by the launcher's process, so that case is spawned.
describe('depwarden vet', () => {
  it('exit 0 for real, popular names', async () => {
    const run = await depwarden(['vet', 'lodash', 'express@^4', '@types/node@20', 'react-dom']);
    expect(run).toMatchObject({ status: 0, stderr: '' });
    expect(run.stdout).toContain('depwarden: checked 4 names given as arguments\n');
    expect(run.stdout).toContain('No findings.');
  });

  it('exit 1 for squats and hallucinated names, each explained', async () => {
    const run = await depwarden(['vet', 'expresss', 'lodash@^4', 'react-native-utils-helper-for-depwarden-tests', '--format', 'json']);
    expect(run.status).toBe(1);
    expect(rulesOf(run.stdout)).toEqual(['high near-miss-name expresss', 'high unregistered-name react-native-utils-helper-for-depwarden-tests']);
    const text = (await depwarden(['vet', 'expresss'])).stdout;
    expect(text).toMatch(/looks like "express" \([\d.]+M downloads\/month\) with a letter repeated; this name has fewer than 10K downloads\/month/);
  });

  it('offline with a registry the name record does not describe: whether the names exist is not judged, and the summary says so', async () => {
    const name = 'react-native-utils-helper-for-depwarden-tests';
    const run = await depwarden(['vet', name, 'lodash', '--registry', 'https://registry.example.test/', '--offline', '--format', 'json']);
    expect(run).toMatchObject({ status: 0, stderr: '' });
    expect(JSON.parse(run.stdout).summary.registry.notes).toContain(
      `unregistered names: not checked for 2 dependencies from https://registry.example.test/ (${name}, lodash): offline, npm's cache does not hold them, and depwarden's name record describes only the public registry`,
    );
    // The public registry's names are the name record's: no such note, the unknown name is a finding.
    const publicRun = await depwarden(['vet', name, '--offline', '--format', 'json']);
    expect(rulesOf(publicRun.stdout)).toEqual([`high unregistered-name ${name}`]);
    expect(JSON.parse(publicRun.stdout).summary.registry.notes.join('\n')).not.toContain('unregistered names');
  });

  it('shows look-alike characters as escapes', async () => {
    const run = await depwarden(['vet', 'l0dash']);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('looks like "lodash"');
    // A Unicode look-alike is a name npm refuses: said so, the character shown (no squat, no download count).
    expect(await depwarden(['vet', 'l\u043edash'])).toEqual({
      status: 2,
      stdout: '',
      stderr:
        'depwarden: "l\\u{43e}dash" is not a package name npm would install (name can only contain URL-friendly characters; \\u{43e} is outside ASCII, a look-alike or invisible character)\n',
    });
  });

  it('reads names from a file or standard input, skipping comments, and locates them by line in SARIF', async () => {
    const dir = tempDir('vet');
    // Given twice, crossenv is judged once, as first given (line 4); lines may end in CRLF.
    writeFileSync(join(dir, 'names.txt'), '# what the assistant suggested\r\nlodash\r\n\r\ncrossenv@^7\n\ncrossenv@^7\n');
    const fromFile = await depwarden(['vet', '--from', 'names.txt', '--format', 'sarif'], { cwd: dir });
    expect(fromFile.status).toBe(0); // crossenv is medium: below the default failing severity
    const results = JSON.parse(fromFile.stdout).runs[0].results;
    expect(results).toHaveLength(1);
    const [result] = results;
    expect(result.ruleId).toBe('near-miss-name');
    expect(result.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'names.txt', uriBaseId: '%SRCROOT%' }, region: { startLine: 4 } });
    // Outside a git repository the list's folder is the root its path is relative to.
    expect(JSON.parse(fromFile.stdout).runs[0].originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: pathToFileURL(`${dir}/`).href } });
    // Run from another folder: the same root and path. In a repository: the git root above the list, as check's.
    const elsewhere = JSON.parse((await depwarden(['vet', '--from', join(basename(dir), 'names.txt'), '--format', 'sarif'], { cwd: join(dir, '..') })).stdout);
    expect(elsewhere.runs[0].originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: pathToFileURL(`${dir}/`).href } });
    expect(elsewhere.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('names.txt');
    mkdirSync(join(dir, 'repo', '.git'), { recursive: true });
    mkdirSync(join(dir, 'repo', 'sub', 'deep'), { recursive: true });
    writeFileSync(join(dir, 'repo', 'sub', 'deep', 'names.txt'), 'lodash\ncrossenv\n');
    const inRepo = JSON.parse((await depwarden(['vet', '--from', 'repo/sub/deep/names.txt', '--format', 'sarif'], { cwd: dir })).stdout);
    expect(inRepo.runs[0].originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: pathToFileURL(`${join(dir, 'repo')}/`).href } });
    expect(inRepo.runs[0].results[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'sub/deep/names.txt', uriBaseId: '%SRCROOT%' },
      region: { startLine: 2 },
    });
    const annotations = (await depwarden(['vet', '--from', 'repo/sub/deep/names.txt', '--format', 'github'], { cwd: dir })).stdout;
    expect(annotations).toMatch(/^::warning file=sub\/deep\/names\.txt,line=2,/);

    const fromStdin = spawnSync(process.execPath, [BIN, 'vet', '--from', '-', '--fail-on', 'medium'], {
      input: 'crossenv\n',
      encoding: 'utf8',
      env: ISOLATED_ENV,
    });
    expect(fromStdin.status).toBe(1);
    expect(fromStdin.stdout).toContain('depwarden: checked 1 name read from standard input\n');
    expect(fromStdin.stdout).toContain('  crossenv  [near-miss-name]  (stdin):1: crossenv\n');
  });

  it('judges URL, git and alias specs like check does', async () => {
    const run = await depwarden(['vet', 'x@https://files.example.test/x.tgz', 'github:user/repo', 'lodash@npm:lodahs@1', '--format', 'json']);
    expect(rulesOf(run.stdout)).toEqual([
      'high url-dependency x',
      'high near-miss-name lodahs',
      'high git-dependency github:user/repo',
      'low alias-dependency lodahs',
    ]);
  });

  it('names what was asked for, not a project or a node_modules folder, in every format', async () => {
    const dir = tempDir('vet-asked');
    const args = ['x@https://files.example.test/x.tgz', 'expresss'];
    const text = await depwarden(['vet', '--offline', ...args], { cwd: dir });
    expect(text.stdout).toContain(
      '  x  [url-dependency]  asked as x@https://files.example.test/x.tgz\n    asked for as a URL tarball, https://files.example.test/x.tgz: code the registry never saw',
    );
    expect(text.stdout).toContain('  expresss  [near-miss-name]  asked as expresss\n');
    expect(text.stdout).not.toMatch(/node_modules|the project/);

    // Arguments are in no file: SARIF gives a logical location only, the annotations no file, JSON no `at`.
    const sarif = JSON.parse((await depwarden(['vet', '--offline', ...args, '--format', 'sarif'], { cwd: dir })).stdout);
    const validate = new AjvDraft04.default({ strict: false, validateFormats: false, unicodeRegExp: false }).compile(SARIF_SCHEMA);
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    expect(sarif.runs[0].results.map((result: { locations: unknown[] }) => result.locations)).toEqual([
      [{ logicalLocations: [{ fullyQualifiedName: 'x@https://files.example.test/x.tgz', kind: 'package' }] }],
      [{ logicalLocations: [{ fullyQualifiedName: 'expresss', kind: 'package' }] }],
    ]);
    const github = (await depwarden(['vet', '--offline', ...args, '--format', 'github'], { cwd: dir })).stdout;
    expect(
      github
        .split('\n')
        .filter(Boolean)
        .every((line) => line.startsWith('::error title=depwarden ')),
    ).toBe(true);
    const json = JSON.parse((await depwarden(['vet', '--offline', ...args, '--format', 'json'], { cwd: dir })).stdout);
    expect(json.findings.map((finding: { asked: unknown; at?: unknown }) => [finding.asked, finding.at])).toEqual([
      [{ text: 'x@https://files.example.test/x.tgz' }, undefined],
      [{ text: 'expresss' }, undefined],
    ]);
    // Declared by no one: no empty root as `declaredBy`.
    expect(json.findings[0].details).toEqual({ url: 'https://files.example.test/x.tgz' });

    // From a file: its line, in the text, the annotations and JSON.
    writeFileSync(join(dir, 'names.txt'), '# suggested\nx@https://files.example.test/x.tgz\n');
    const fromFile = await depwarden(['vet', '--offline', '--from', 'names.txt'], { cwd: dir });
    expect(fromFile.stdout).toContain('depwarden: checked 1 name in names.txt\n');
    expect(fromFile.stdout).toContain('  x  [url-dependency]  names.txt:2: x@https://files.example.test/x.tgz\n');
    const annotations = (await depwarden(['vet', '--offline', '--from', 'names.txt', '--format', 'github'], { cwd: dir })).stdout;
    expect(annotations).toMatch(/^::error file=names\.txt,line=2,title=depwarden url-dependency%3A x::asked for as a URL tarball/);
    const fromFileJson = JSON.parse((await depwarden(['vet', '--offline', '--from', 'names.txt', '--format', 'json'], { cwd: dir })).stdout);
    expect(fromFileJson.findings[0]).toMatchObject({ asked: { text: 'x@https://files.example.test/x.tgz', line: 2 }, at: { uri: 'names.txt', line: 2 } });
  });

  it('a token in a spec asked for is shown as *** wherever the spec is named', async () => {
    const spec = 'x@https://deploy:s3cret@files.example.test/x.tgz?_authToken=npm_T0KEN';
    for (const format of ['text', 'json', 'sarif', 'github', 'markdown']) {
      const run = await depwarden(['vet', '--offline', spec, '--format', format]);
      expect(run.status).toBe(1);
      expect(run.stdout).not.toMatch(/s3cret|npm_T0KEN/);
    }
    expect((await depwarden(['vet', '--offline', spec])).stdout).toContain(
      '  x  [url-dependency]  asked as x@https://***@files.example.test/x.tgz?_authToken=***\n',
    );
    // A bare git URL is its own name: its location holds the token too, and it is still what was asked for.
    expect((await depwarden(['vet', '--offline', 'git+https://ghp_tok@host.example.test/u/r.git'])).stdout).toContain(
      '  git+https://***@host.example.test/u/r.git  [git-dependency]  asked as git+https://***@host.example.test/u/r.git\n    asked for from git as "git+https://***@host.example.test/u/r.git";',
    );
  });

  it('judges every spec of a name given twice, whichever comes first', async () => {
    for (const names of [
      ['lodash', 'lodash@https://files.example.test/x.tgz'],
      ['lodash@https://files.example.test/x.tgz', 'lodash'],
    ]) {
      const run = await depwarden(['vet', '--offline', ...names, '--format', 'json']);
      expect(run.status).toBe(1);
      expect(rulesOf(run.stdout)).toEqual(['high url-dependency lodash']);
    }
    const dir = tempDir('vet-twice');
    writeFileSync(join(dir, 'names.txt'), 'lodash@4\nlodash@github:evil/lodash\n');
    const fromFile = await depwarden(['vet', '--offline', '--from', 'names.txt', '--format', 'json'], { cwd: dir });
    expect(fromFile.status).toBe(1);
    expect(JSON.parse(fromFile.stdout).findings.map((finding: { rule: string; at: { line: number } }) => `${finding.rule} ${finding.at.line}`)).toEqual([
      'git-dependency 2',
    ]);
  });

  it('allows a reviewed name through the policy', async () => {
    const dir = tempDir('vet');
    writeFileSync(join(dir, '.depwardenrc.json'), JSON.stringify({ allow: [{ package: 'expresss', rule: 'near-miss-name', reason: 'our fork' }] }));
    expect((await depwarden(['vet', 'expresss'], { cwd: dir })).stdout).toContain('No findings, 1 allowed by policy.');
  });

  it('exit 2 for usage errors', async () => {
    expect(await depwarden(['vet'])).toMatchObject({ status: 2, stderr: 'depwarden: vet needs at least one name; see depwarden vet --help\n' });
    expect(await depwarden(['vet', 'a', '--from', 'f'])).toMatchObject({ status: 2, stderr: 'depwarden: give names as arguments or with --from, not both\n' });
    expect(await depwarden(['vet', '--from', 'missing.txt'])).toMatchObject({ status: 2, stderr: 'depwarden: missing.txt: cannot be read (ENOENT)\n' });
  });
});

describe('vet: names npm would refuse, and specs that are not names', () => {
  // Own HOME and npm cache for these runs; removed afterwards.
  const scratch = tempDir('vet-specs');
  const env = { HOME: join(scratch, 'home'), npm_config_cache: join(scratch, 'npm-cache') };
  const vet = (args: string[]) => depwarden(['vet', ...args, '--format', 'json'], { cwd: scratch, env });

  it.each([
    { arg: '', reason: 'the name is empty' },
    { arg: '@scope/', reason: 'name can only contain URL-friendly characters' },
    { arg: '@/x', reason: 'name can only contain URL-friendly characters' },
    { arg: 'lo\u0001dash', reason: 'it contains control characters', shown: 'lo\\x01dash' },
    { arg: 'lodash\u202e', reason: 'it contains control characters', shown: 'lodash\\u{202e}' },
    { arg: '_private', reason: 'name cannot start with an underscore' },
    { arg: 'node_modules', reason: 'node_modules is not a valid package name' },
    // What npm does with them: it refuses them (npm-package-arg even calls them invalid tags); never "one letter added".
    {
      arg: 'l\u043edash',
      reason: 'name can only contain URL-friendly characters; \\u{43e} is outside ASCII, a look-alike or invisible character',
      shown: 'l\\u{43e}dash',
    },
    {
      arg: 'lod\u200bash@^4',
      reason: 'name can only contain URL-friendly characters; \\u{200b} is outside ASCII, a look-alike or invisible character',
      shown: 'lod\\u{200b}ash@^4',
    },
    {
      arg: '@b\u0430bel/core',
      reason: 'name can only contain URL-friendly characters; \\u{430} is outside ASCII, a look-alike or invisible character',
      shown: '@b\\u{430}bel/core',
    },
  ])('refuses $arg: exit 2, with the reason npm gives', async ({ arg, reason, shown }) => {
    const run = await vet([arg]);
    expect(run).toMatchObject({ status: 2, stdout: '' });
    expect(run.stderr).toBe(`depwarden: "${shown ?? arg}" is not a package name npm would install (${reason})\n`);
  });

  // vet has no project and reads no folder: a local path that exists is a finding wherever it points.
  mkdirSync(join(scratch, 'foo'), { recursive: true });
  writeFileSync(join(scratch, 'foo', 'package.json'), JSON.stringify({ name: 'foo', version: '1.0.0', scripts: { preinstall: 'node x.js' } }));
  writeFileSync(join(scratch, 'pkg.tgz'), '');
  it.each([
    { arg: './foo', findings: ['medium local-dependency ./foo'] },
    { arg: 'foo@file:foo', findings: ['medium local-dependency foo'] },
    { arg: 'pkg.tgz', findings: ['medium local-dependency pkg.tgz'] },
    // Out of the working folder and back into it: a path that exists.
    { arg: `../${basename(scratch)}/pkg.tgz`, findings: [`medium local-dependency ../${basename(scratch)}/pkg.tgz`] },
    { arg: '/', findings: ['medium local-dependency /'] },
    { arg: 'https://files.example.test/x.tgz', findings: ['high url-dependency https://files.example.test/x.tgz'] },
    { arg: 'git+ssh://git@host.example.test/u/r.git', findings: ['high git-dependency git+ssh://git@host.example.test/u/r.git'] },
    { arg: 'github:u/r', findings: ['high git-dependency github:u/r'] },
    { arg: 'u/r', findings: ['high git-dependency u/r'] },
  ])('judges $arg as a spec, not as a name', async ({ arg, findings }) => {
    const run = await vet([arg]);
    expect(run.stderr).toBe('');
    expect(rulesOf(run.stdout)).toEqual(findings);
  });

  it.each([
    { args: ['./does-not-exist'], stderr: `depwarden: "./does-not-exist" is a local path that does not exist (${join(scratch, 'does-not-exist')})\n` },
    { args: ['x@file:../nope.tgz'], stderr: `depwarden: "x@file:../nope.tgz" is a local path that does not exist (${join(scratch, '..', 'nope.tgz')})\n` },
    // An option after `--` is no name: npm-package-arg reads it as a folder.
    {
      args: ['--', '--registry=http://x'],
      stderr: `depwarden: "--registry=http://x" is a local path that does not exist (${join(scratch, '--registry=http:/x')})\n`,
    },
  ])('exit 2 for a local path that does not exist: $args', async ({ args, stderr }) => {
    expect(await depwarden(['vet', '--offline', ...args], { cwd: scratch, env })).toEqual({ status: 2, stdout: '', stderr });
  });

  it('a local path asked for says that vet does not read it', async () => {
    // vet has no project: a path up and out of the working folder is judged like any other, not as "outside".
    const up = await depwarden(['vet', '--offline', `../${basename(scratch)}/pkg.tgz`], { cwd: scratch, env });
    expect(up.stdout).toContain(`asked for a local path, "../${basename(scratch)}/pkg.tgz": code no registry saw, which vet does not read`);
    expect(up.stdout).not.toContain('outside the project');
    const run = await depwarden(['vet', '--offline', './foo'], { cwd: scratch, env });
    expect(run.stdout).toContain(
      '  ./foo  [local-dependency]  asked as ./foo\n    asked for a local path, "./foo": code no registry saw, which vet does not read\n    fix: read the folder\'s package.json scripts and code before installing it\n',
    );
    writeFileSync(join(scratch, 'local.txt'), 'lodash\n./gone\n');
    expect(await depwarden(['vet', '--offline', '--from', 'local.txt'], { cwd: scratch, env })).toMatchObject({
      status: 2,
      stderr: `depwarden: local.txt: line 2: "./gone" is a local path that does not exist (${join(scratch, 'gone')})\n`,
    });
  });

  it('install and exec refuse such a name before npm is asked (npm calls it an invalid tag)', async () => {
    const project = tempDir('refuse-gate');
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0' }));
    const stderr =
      'depwarden: "l\\u{43e}dash" is not a package name npm would install (name can only contain URL-friendly characters; \\u{43e} is outside ASCII, a look-alike or invisible character)\n';
    for (const command of ['install', 'exec']) {
      expect({ command, ...(await depwarden([command, '--offline', 'l\u043edash'], { cwd: project, env })) }).toEqual({
        command,
        status: 2,
        stdout: '',
        stderr,
      });
    }
  });

  it.each([
    { arg: 'x@https://host.example.test/\u001b[31mx.tgz', stderr: '"x@https://host.example.test/\\x1b[31mx.tgz": the spec after "x@" is not one' },
    { arg: 'x@1\u202e', stderr: '"x@1\\u{202e}": the spec after "x@" is not one' },
    { arg: 'https://host.example.test/\u001b[31mx.tgz', stderr: '"https://host.example.test/\\x1b[31mx.tgz" is not a spec' },
  ])('control characters in a spec, not its name: $stderr', async ({ arg, stderr }) => {
    expect(await vet([arg])).toEqual({ status: 2, stdout: '', stderr: `depwarden: ${stderr} npm would install (it contains control characters)\n` });
  });

  it("lists a --from file's findings in line order within a severity", async () => {
    writeFileSync(join(scratch, 'order.txt'), 'expresss\nx@https://files.example.test/x.tgz\nl0dash\n');
    const run = await depwarden(['vet', '--offline', '--from', 'order.txt'], { cwd: scratch, env });
    expect(run.stdout.split('\n').filter((line) => line.includes('order.txt:'))).toEqual([
      '  expresss  [near-miss-name]  order.txt:1: expresss',
      '  x  [url-dependency]  order.txt:2: x@https://files.example.test/x.tgz',
      '  l0dash  [near-miss-name]  order.txt:3: l0dash',
      '  l0dash  [unregistered-name]  order.txt:3: l0dash',
    ]);
  });

  it('a --from file may start with a byte order mark (Notepad)', async () => {
    writeFileSync(join(scratch, 'bom.txt'), '\ufeffexpresss\nlodash\n');
    const run = await vet(['--offline', '--from', 'bom.txt']);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout).findings.map((finding: { rule: string; asked: unknown }) => [finding.rule, finding.asked])).toEqual([
      ['near-miss-name', { text: 'expresss', line: 1 }],
    ]);
  });

  it('a refused name in a --from file names its line', async () => {
    writeFileSync(join(scratch, 'names.txt'), 'lodash\n# ok\n@scope/\n');
    expect(await vet(['--from', 'names.txt'])).toMatchObject({
      status: 2,
      stderr: 'depwarden: names.txt: line 3: "@scope/" is not a package name npm would install (name can only contain URL-friendly characters)\n',
    });
  });
});

// The long-list path (names tree linked as built, certain misses shared, cache look-ups batched) must judge each
// name exactly as a vet of that name alone does: a fast path that changed a result would show here.
describe('vet --from of a long mixed list', () => {
  const special = [
    'expresss',
    'crossenv@^7',
    'x@https://files.example.test/x.tgz',
    'github:user/repo',
    'my-lodash@npm:lodahs@1',
    'react-native-utils-helper-for-depwarden-tests',
    './lib',
    'l0dash',
    '@depwarden-tests/unregistered-scoped',
  ];
  // Names already in the list with the same spec (among the established ones, or above): judged once. (Another spec
  // of a name is judged in a round of its own: see 'judges every spec of a name given twice'.)
  const repeated = ['expresss', 'lodash', '@types/node', 'crossenv@^7'];
  const findingsOf = (stdout: string) =>
    JSON.parse(stdout)
      .findings.map((finding: { rule: string; severity: string; package: object; detail?: object; details?: object; message: string }) =>
        JSON.stringify([finding.rule, finding.severity, finding.package, finding.details, finding.message]),
      )
      .sort();

  it('reports each name as vetting it alone does, among 1,500 established names', async () => {
    const index = loadNameIndex();
    const established = Array.from({ length: 1_500 }, (_, rank) => index.targetName(rank));
    const dir = tempDir('vet-long');
    // The special names spread through the list, the repeated ones at its end.
    const list = [...established.flatMap((name, at) => (at % 150 === 0 ? [special[at / 150]!, name] : [name])), ...repeated];
    writeFileSync(join(dir, 'names.txt'), `${list.join('\n')}\n`);
    mkdirSync(join(dir, 'lib'));
    const together = await depwarden(['vet', '--offline', '--from', 'names.txt', '--format', 'json'], { cwd: dir });
    expect(together.stderr).toBe('');
    expect(together.status).toBe(1);

    const alone: string[] = [];
    for (const name of special) alone.push(...findingsOf((await depwarden(['vet', '--offline', name, '--format', 'json'], { cwd: dir })).stdout));
    // Paths, locations and messages do not depend on the list's other names; the source line does, so it is left out.
    expect(findingsOf(together.stdout)).toEqual(alone.sort());
    expect(rulesOf(together.stdout).sort()).toEqual(
      [
        'high git-dependency github:user/repo',
        'high near-miss-name expresss',
        'high near-miss-name l0dash',
        'high near-miss-name lodahs',
        'high unregistered-name @depwarden-tests/unregistered-scoped',
        'high unregistered-name l0dash',
        'high unregistered-name react-native-utils-helper-for-depwarden-tests',
        'high url-dependency x',
        'low alias-dependency lodahs',
        'medium local-dependency ./lib',
        'medium near-miss-name crossenv',
      ].sort(),
    );
    // The established names alone have nothing to report.
    writeFileSync(join(dir, 'established.txt'), established.join('\n'));
    expect(findingsOf((await depwarden(['vet', '--offline', '--from', 'established.txt', '--format', 'json'], { cwd: dir })).stdout)).toEqual([]);
  });
});
