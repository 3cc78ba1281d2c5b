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
