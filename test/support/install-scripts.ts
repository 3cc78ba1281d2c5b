import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeInstallScripts, type PackageFile, type ScriptAnalysis } from '../../src/scripts/analyze.js';
import { installScriptsOf } from '../../src/npm/scripts.js';
import { ROOT } from './paths.js';

export const MALICIOUS = join(ROOT, 'test', 'fixtures', 'malicious-scripts');
export const REAL = join(ROOT, 'test', 'fixtures', 'install-scripts');

export const caseNames = (dir: string): string[] =>
  readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .sort();

/** Reads a fixture package folder as the tarball reader would: its install scripts and its files. */
export function analyzeFolder(dir: string): { name: string; scripts: [string, string][]; analysis: ScriptAnalysis } {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; scripts?: Record<string, string> };
  const scripts = installScriptsOf(manifest.scripts);
  const analysis = analyzeInstallScripts(scripts, (path) => fileIn(dir, path));
  return { name: manifest.name, scripts, analysis };
}

/** A reader over an in-memory package: path → text. */
export const memoryReader =
  (files: Record<string, string>) =>
  (path: string): PackageFile | undefined =>
    path in files ? { text: files[path]!, bytes: Buffer.byteLength(files[path]!) } : undefined;

function fileIn(dir: string, path: string): PackageFile | undefined {
  try {
    const stat = statSync(join(dir, path));
    return stat.isFile() ? { text: readFileSync(join(dir, path), 'utf8'), bytes: stat.size } : undefined;
  } catch {
    return undefined;
  }
}
