// `npm run build`, after tsc: the CLI as one ES module (dist/cli/depwarden.js), which bin/depwarden.js loads.
// Loading ~130 small modules cost more than all of a one-name `vet` besides (each is resolved, read and linked
// apart); one file of the same code loads in about a third of that. Packages stay outside (loaded, mostly lazily,
// by require/import at run time), and dist/ keeps tsc's modules for the library entry and its types. The bundle
// sits in dist/cli/ like main.js, so its paths relative to import.meta.url (package.json, data/) stay the same.
import { readFileSync, writeFileSync } from 'node:fs';
import { rolldown } from 'rolldown';

const bundle = await rolldown({
  input: 'dist/cli/main.js',
  platform: 'node',
  external: (id) => !id.startsWith('.') && !id.startsWith('/'),
});
// One file whatever comes: a relative `import('./x.js')` added later is inlined rather than split into a chunk.
await bundle.write({ file: 'dist/cli/depwarden.js', format: 'esm', codeSplitting: false });
await bundle.close();
// ASCII only, each other UTF-16 code unit as its \u escape (the same text in strings, templates, regular
// expressions and comments): Node decodes an ASCII file on its fast path and V8 scans it as one-byte text, where a
// single `…` in a message made the whole 600 KB source two-byte (about 5 ms of every start).
const file = 'dist/cli/depwarden.js';
writeFileSync(
  file,
  readFileSync(file, 'utf8').replace(/[^\0-\x7f]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`),
);
