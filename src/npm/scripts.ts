/** The lifecycle scripts npm runs when it installs a package, in the order it runs them. */
export const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'] as const;

/** Install scripts of a manifest's `scripts`, in npm's order, keeping only string values. */
export function installScriptsOf(scripts: Readonly<Record<string, unknown>> | undefined): [string, string][] {
  if (!scripts) return [];
  return INSTALL_SCRIPTS.flatMap((name) => (typeof scripts[name] === 'string' ? [[name, scripts[name]] as [string, string]] : []));
}

/** Files of the package a script runs (`node install.js`, `sh ./scripts/setup.sh`), as package-relative paths. */
export function scriptFiles(script: string): string[] {
  const files = new Set<string>();
  for (const match of script.matchAll(/\b(?:node|nodejs|sh|bash|python3?)\s+(?:-{1,2}[\w-]+(?:=\S+)?\s+)*((?:\.{0,2}\/)?[\w./-]+\.(?:c?js|mjs|sh|py))\b/g)) {
    const file = match[1]!.replace(/^\.\//, '');
    if (!file.startsWith('../') && !file.startsWith('/')) files.add(file);
  }
  return [...files];
}
