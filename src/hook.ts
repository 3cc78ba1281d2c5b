/** Which package manager runs a lifecycle hook, and whether its root `preinstall` runs too late to protect. */
export interface HookContext {
  readonly manager: 'npm' | 'yarn' | 'pnpm' | 'bun' | 'unknown';
  /**
   * npm 7+ runs the root `preinstall` after the dependencies were extracted and after their own install
   * scripts ran (measured with npm 11): a guard there cannot stop them. Other managers: see the README.
   */
  readonly runsLate: boolean;
}

export function hookContext(env: NodeJS.ProcessEnv): HookContext {
  const agent = env.npm_config_user_agent ?? '';
  const manager = (/^(npm|yarn|pnpm|bun)\//.exec(agent)?.[1] ?? 'unknown') as HookContext['manager'];
  const npmMajor = Number(/^npm\/(\d+)/.exec(agent)?.[1] ?? 0);
  return { manager, runsLate: manager === 'npm' && npmMajor >= 7 };
}

export const LATE_HOOK_WARNING =
  'depwarden: under npm 7+ this preinstall hook runs after the dependencies were extracted and after their own ' +
  'install scripts ran, so it cannot stop them; use `depwarden install` / `depwarden ci` (npm run deps:install, ' +
  'deps:ci), and keep ignore-scripts=true in .npmrc (depwarden init sets it)';
