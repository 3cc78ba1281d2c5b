import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The install script of a marker package: a file named after it in the installing project proves it ran. */
export const marker = (name: string) => `node -e "require('fs').writeFileSync(require('path').join(process.env.INIT_CWD, 'MARKER-${name}'), 'ran')"`;

/**
 * The packages several e2e files install, published once for the run to its shared registry (global-setup.ts) with
 * the real npm CLI. A file that needs a package of the same name with other contents publishes it under a name of
 * its own: the registry is shared, so a name means one thing in every file.
 */
export function sharedPackages(registryUrl: string): Record<string, unknown>[] {
  return [
    { name: 'dw-plain', version: '1.0.0' },
    { name: 'dw-marker', version: '1.0.0', scripts: { postinstall: marker('dw-marker') } },
    { name: 'dw-allowed', version: '1.0.0', scripts: { install: marker('dw-allowed') } },
    { name: 'dw-urlholder', version: '1.0.0', dependencies: { 'dw-plain': `${registryUrl}dw-plain/-/dw-plain-1.0.0.tgz` } },
    { name: 'lodahs', version: '1.0.0' },
  ];
}

/** A package folder with the manifest and an index.js; returns the folder. */
export function writeSharedPackage(root: string, manifest: Record<string, unknown>): string {
  const dir = join(root, String(manifest.name));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(dir, 'index.js'), 'module.exports = 1;\n');
  return dir;
}
