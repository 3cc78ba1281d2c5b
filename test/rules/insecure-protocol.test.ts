import { describe, expect, it } from 'vitest';
import { insecureProtocol } from '../../src/rules/insecure-protocol.js';
import { findingsOf, lockTree, messageOf } from '../support/tree.js';

describe('insecure-protocol', () => {
  it('flags plain http and git: fetches, registry hosts included, and nothing over https, ssh or loopback', () => {
    const tree = lockTree(
      {
        'node_modules/reg': { version: '1.0.0', resolved: 'http://registry.example.test/reg/-/reg-1.0.0.tgz', integrity: 'sha512-AAAA' },
        'node_modules/url': { version: '1.0.0', resolved: 'http://files.example.test/url.tgz' },
        'node_modules/git': { version: '1.0.0', resolved: 'git://github.com/u/git.git#0123456789abcdef0123456789abcdef01234567' },
        'node_modules/githttp': { version: '1.0.0', resolved: 'git+http://git.example.test/u/r.git#0123456789abcdef0123456789abcdef01234567' },
        'node_modules/safe': { version: '1.0.0', resolved: 'https://registry.example.test/safe/-/safe-1.0.0.tgz' },
        'node_modules/ssh': { version: '1.0.0', resolved: 'git+ssh://git@github.com/u/ssh.git#0123456789abcdef0123456789abcdef01234567' },
        'node_modules/local': { version: '1.0.0', resolved: 'http://127.0.0.1:4873/local/-/local-1.0.0.tgz' },
        'node_modules/local6': { version: '1.0.0', resolved: 'http://[::1]:4873/local6/-/local6-1.0.0.tgz' },
      },
      {
        dependencies: {
          reg: '^1',
          url: 'http://files.example.test/url.tgz',
          git: 'git://github.com/u/git.git',
          githttp: 'git+http://git.example.test/u/r.git',
          safe: '^1',
          ssh: 'u/ssh',
          local: '^1',
          local6: '^1',
        },
      },
    );
    expect(findingsOf(insecureProtocol, tree)).toEqual([
      { location: 'node_modules/git', code: 'insecure-protocol', severity: 'high' },
      { location: 'node_modules/githttp', code: 'insecure-protocol', severity: 'high' },
      { location: 'node_modules/reg', code: 'insecure-protocol', severity: 'high' },
      { location: 'node_modules/url', code: 'insecure-protocol', severity: 'high' },
    ]);
  });

  it('catches an insecure spec even when the lockfile records no resolved', () => {
    const tree = lockTree({ 'node_modules/x': { version: '1.0.0' } }, { dependencies: { x: 'http://files.example.test/x.tgz' } });
    expect(findingsOf(insecureProtocol, tree)).toEqual([{ location: 'node_modules/x', code: 'insecure-protocol', severity: 'high' }]);
  });

  it('names the protocol and the URL', () => {
    expect(messageOf(insecureProtocol, { code: 'insecure-protocol', url: 'http://files.example.test/url.tgz', protocol: 'http' })).toBe(
      'fetched over plain http (http://files.example.test/url.tgz), so anyone on the network path can replace it',
    );
  });
});
