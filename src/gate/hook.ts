/** Which package manager runs a lifecycle hook, and whether its root `preinstall` runs too late to protect. */
export interface HookContext {
  readonly manager: 'npm' | 'yarn' | 'pnpm' | 'bun' | 'unknown';
  /**
   * Measured here (README "The preinstall hook"): npm 11, pnpm 9, yarn berry 4 and bun 1.4 run the root
   * `preinstall` after the dependencies were extracted and after the install scripts they allow ran, so a
   * guard there cannot stop them; yarn classic (1.x) runs it first.
   */
  readonly runsLate: boolean;
}

export function hookContext(env: NodeJS.ProcessEnv): HookContext {
  const agent = env.npm_config_user_agent ?? '';
  const manager = (/^(npm|yarn|pnpm|bun)\//.exec(agent)?.[1] ?? 'unknown') as HookContext['manager'];
  const major = Number(/^\w+\/(\d+)/.exec(agent)?.[1] ?? 0);
  const late = (manager === 'npm' && major >= 7) || manager === 'pnpm' || manager === 'bun' || (manager === 'yarn' && major >= 2);
  return { manager, runsLate: late };
}

export const LATE_HOOK_WARNING =
  'depwarden: under npm 7+, pnpm, yarn 2+ and bun this preinstall hook runs after the dependencies were extracted and after their own ' +
  'install scripts ran, so it cannot stop them; use `depwarden install` / `depwarden ci` (npm run deps:install, ' +
  'deps:ci), and keep ignore-scripts=true in .npmrc (depwarden init sets it)';
