import { describe, expect, it } from 'vitest';
import { requireTool } from '../../src/cli/project-copy.js';
import { tempDir } from '../support/temp.js';

describe('requireTool', () => {
  // An empty folder as the whole PATH: no manager is found.
  const env = { PATH: tempDir('no-tools') };

  it('a missing pnpm or yarn: install it, or corepack (which provides both)', () => {
    expect(() => requireTool('pnpm', env, 'package.json packageManager')).toThrow(
      'this project installs with pnpm (package.json packageManager), but there is no pnpm on PATH: install it, or run `corepack enable` to use the version package.json pins',
    );
    expect(() => requireTool('yarn', env, 'yarn.lock present')).toThrow(/no yarn on PATH: install it, or run `corepack enable`/);
  });

  it('a missing bun is never sent to corepack, which does not provide it', () => {
    expect(() => requireTool('bun', env, 'bun.lock present')).toThrow(
      'this project installs with bun (bun.lock present), but there is no bun on PATH: install bun (its own installer, or `npm install --global bun`; corepack does not provide bun)',
    );
  });
});
