import { createRequire } from 'node:module';

const manifest = createRequire(import.meta.url)('../../package.json') as { version: string; homepage: string };

export const TOOL = { name: 'depwarden', version: manifest.version, homepage: manifest.homepage } as const;
