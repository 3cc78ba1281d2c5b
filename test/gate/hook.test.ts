import { describe, expect, it } from 'vitest';
import { hookContext } from '../../src/gate/hook.js';

describe('hookContext', () => {
  it.each([
    ['npm/11.19.1 node/v20.20.2 linux x64 workspaces/false', 'npm', true],
    ['npm/6.14.18 node/v14.21.3 linux x64', 'npm', false],
    ['yarn/1.22.22 npm/? node/v20.20.2 linux x64', 'yarn', false],
    ['pnpm/9.15.0 npm/? node/v20.20.2 linux x64', 'pnpm', true],
    ['yarn/4.18.1 npm/? node/v20.20.2 linux x64', 'yarn', true],
    ['bun/1.4.5 npm/? node/v22.6.0 linux x64', 'bun', true],
    [undefined, 'unknown', false],
  ])('%s: %s, late %s', (agent, manager, runsLate) => {
    expect(hookContext(agent === undefined ? {} : { npm_config_user_agent: agent })).toEqual({ manager, runsLate });
  });
});
