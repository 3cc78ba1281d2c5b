import { afterAll, describe, expect, it } from 'vitest';
import { isolatedHome, runMain } from '../support/in-process.js';

// Arguments are refused before anything is resolved: no registry, no npm.
const home = isolatedHome();
afterAll(home.remove);

const refusal = async (argv: string[]) => {
  const run = await runMain(argv, home.env, home.dir);
  expect(run.status).toBe(2);
  expect(run.stdout).toBe('');
  return run.stderr;
};

describe('depwarden exec: words between the spec and "--"', () => {
  const lead = `depwarden: depwarden's options go before the package spec, arguments for the command after "--": `;

  it("suggests depwarden's own options before the spec, never passed on to the command", async () => {
    expect(await refusal(['exec', 'some-mcp', '--offline', '--', 'a'])).toBe(`${lead}depwarden exec --offline some-mcp -- a\n`);
    expect(await refusal(['exec', '--strict', 'some-mcp', '--fail-on', 'low', '--format=json', '--osv-data', 'osv.zip'])).toBe(
      `${lead}depwarden exec --strict --fail-on low --format=json --osv-data osv.zip some-mcp\n`,
    );
  });

  it("the command's own words go after --, ahead of those already there, quoted for a shell", async () => {
    expect(await refusal(['exec', 'some-mcp', '--stdio', '--offline', "it's here", '--', '--port', '1'])).toBe(
      `${lead}depwarden exec --offline some-mcp -- --stdio 'it'\\''s here' --port 1\n`,
    );
  });

  it('--osv-url and --osv-data are depwarden options before the spec, as its help lists them', async () => {
    // Taken as options, the next word is the spec: an http(s) check on the URL proves --osv-url was read as one.
    expect(await refusal(['exec', '--osv-url', 'ftp://x', 'some-mcp'])).toBe('depwarden: --osv-url must be an http(s) URL; found "ftp://x"\n');
  });
});
