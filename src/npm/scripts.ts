/** The lifecycle scripts npm runs when it installs a package, in the order it runs them. */
export const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'] as const;

/** Install scripts of a manifest's `scripts`, in npm's order, keeping only string values. */
export function installScriptsOf(scripts: Readonly<Record<string, unknown>> | undefined): [string, string][] {
  if (!scripts) return [];
  return INSTALL_SCRIPTS.flatMap((name) => (typeof scripts[name] === 'string' ? [[name, scripts[name]] as [string, string]] : []));
}
