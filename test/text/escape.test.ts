import { describe, expect, it } from 'vitest';
import { escapeJsonText, neutraliseWorkflowCommands, redactCredentials } from '../../src/text/escape.js';

describe('redactCredentials', () => {
  it.each([
    ['https://user:pa55@host.example.test/x.tgz', 'https://***@host.example.test/x.tgz'],
    ['git+https://ghp_abc123@host.example.test/u/r.git', 'git+https://***@host.example.test/u/r.git'],
    ['git+ssh://git@host.example.test/u/r.git', 'git+ssh://git@host.example.test/u/r.git'],
    ['https://host.example.test/x.tgz?_authToken=npm_abc&v=1', 'https://host.example.test/x.tgz?_authToken=***&v=1'],
    ['https://host.example.test/x.tgz?v=1&X-Amz-Signature=deadbeef', 'https://host.example.test/x.tgz?v=1&X-Amz-Signature=***'],
    ['//host.example.test/:_authToken=npm_abc', '//host.example.test/:_authToken=***'],
    ['https://host.example.test/x.tgz?version=1', 'https://host.example.test/x.tgz?version=1'],
    ['declares it as "user@1.0.0"', 'declares it as "user@1.0.0"'],
  ])('%s', (text, expected) => {
    expect(redactCredentials(text)).toBe(expected);
  });

  it('a 5 MB URL whose host is a run of word starts is left as it is, and a token after it is still redacted', () => {
    const host = 'a.'.repeat(2.5 * 1024 * 1024);
    const text = `https://${host}example.test/x.tgz and https://tok3n@registry.example.test/x.tgz`;
    expect(redactCredentials(text)).toBe(`https://${host}example.test/x.tgz and https://***@registry.example.test/x.tgz`);
    // A scheme longer than 64 characters is no scheme: nothing to redact behind it.
    expect(redactCredentials(`${'x'.repeat(65)}://tok3n@host.example.test/`)).toBe(`${'x'.repeat(65)}://tok3n@host.example.test/`);
  });
});

describe('neutraliseWorkflowCommands', () => {
  it('escapes a leading :: after blanks, and ##[ anywhere', () => {
    expect(neutraliseWorkflowCommands('ok\n  ::add-mask::x\n::error::y\nsee ##[error]z\na::b\n')).toBe(
      'ok\n  \\x3a:add-mask::x\n\\x3a:error::y\nsee #\\x23[error]z\na::b\n',
    );
  });

  it('JSON keeps ##[ inside strings as an escape that parses back', () => {
    const json = escapeJsonText(JSON.stringify({ name: '##[error]x' }));
    expect(json).not.toContain('##[');
    expect(JSON.parse(json)).toEqual({ name: '##[error]x' });
  });
});
