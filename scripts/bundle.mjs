// `npm run build`, after tsc: the CLI as a few ES modules in dist/cli/ (depwarden.js, the entry, and one chunk per
// command plus the code they share), which bin/depwarden.js loads. Loading ~130 small modules cost more than all of
// a one-name `vet` besides (each is resolved, read and linked apart); a few files of the same code load in about a
// third of that. Packages stay outside (loaded, mostly lazily, by require/import at run time), but for the few a
// plain check loads (BUNDLED), and dist/ keeps tsc's modules for the library entry and its types. The chunks sit in
// dist/cli/ like main.js, so their paths relative to import.meta.url (package.json, data/) stay the same.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rolldown } from 'rolldown';

// Pure-JS CommonJS packages every check loads (npm's configuration, semver, name validation), bundled too: Node's
// CommonJS loader resolves, reads and wraps each of their ~40 files apart; bundled, a warm check of 500 packages
// takes ~15 ms less. Each module still runs only when first required. Their licenses go beside the chunks.
const BUNDLED = /^(?:semver|validate-npm-package-name|@npmcli\/config|nopt|abbrev|ini|proc-log|ci-info|walk-up-path)(?:\/|$)/;
/** The modules whose own `require` (see cjs-requires below) is left to the bundler. */
const OWN_REQUIRE = ['/dist/cjs.js', '/dist/registry/npm-config.js'];
const CJS_LOADER = 'const require = createRequire(import.meta.url);';

const bundle = await rolldown({
  input: 'dist/cli/main.js',
  platform: 'node',
  external: (id) => !id.startsWith('.') && !id.startsWith('/') && !BUNDLED.test(id),
  plugins: [
    {
      // These modules load npm's CommonJS libraries with a `require` of their own (tsc's ESM output has none):
      // dropped here, their `require` calls are the bundler's, so the BUNDLED packages are bundled (still loaded
      // on first call) and the others required at run time as before.
      name: 'cjs-requires',
      transform(code, id) {
        if (!OWN_REQUIRE.some((file) => id.endsWith(file))) return null;
        if (!code.includes(CJS_LOADER)) throw new Error(`${id} no longer holds "${CJS_LOADER}": update scripts/bundle.mjs`);
        return code.replace(CJS_LOADER, '');
      },
    },
    {
      // Node's built-in modules taken from process.getBuiltinModule rather than imported: an ES import of one makes
      // Node build the module's ES facade, which reads every export and so loads what its lazy getters hold
      // (fs.promises and readline, crypto.webcrypto, the fs streams): ~10 ms of every start.
      name: 'builtins-without-facade',
      renderChunk(code) {
        return code.replace(/^import \{([^}]*)\} from "(node:[\w/]+)";$/gm, (_, names, id) => {
          const bindings = names.split(',').map((name) => name.trim().replace(/^(\S+) as (\S+)$/, '$1: $2'));
          return `const { ${bindings.join(', ')} } = process.getBuiltinModule(${JSON.stringify(id)});`;
        });
      },
    },
  ],
});
// Split by command (src/cli/main.ts imports each command's module when it runs): `check` does not load the code
// of the gate, mcp or review.
const { output } = await bundle.write({
  dir: 'dist/cli',
  format: 'esm',
  entryFileNames: 'depwarden.js',
  chunkFileNames: 'depwarden-[name]-[hash].js',
});
await bundle.close();
// ASCII only, each other UTF-16 code unit as its \u escape (the same text in strings, templates, regular
// expressions and comments): Node decodes an ASCII file on its fast path and V8 scans it as one-byte text, where a
// single `…` in a message made the whole 600 KB source two-byte (about 5 ms of every start).
const packages = new Set();
for (const chunk of output) {
  const file = join('dist/cli', chunk.fileName);
  writeFileSync(
    file,
    readFileSync(file, 'utf8').replace(/[^\0-\x7f]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );
  for (const id of chunk.moduleIds ?? []) {
    const folder = /^(.*\/node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(id.replaceAll('\\', '/'))?.[1];
    if (folder) packages.add(folder);
  }
}
// The bundled packages' own license texts, as their licenses ask of copies.
const notices = [...packages].sort().map((folder) => {
  const { name, version, license } = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
  return `${name}@${version} (${license})\n\n${readFileSync(join(folder, 'LICENSE'), 'utf8').trim()}\n`;
});
writeFileSync('dist/cli/THIRD-PARTY-LICENSES.txt', `Packages bundled into depwarden's dist/cli/ chunks:\n\n${notices.join('\n---\n\n')}`);
