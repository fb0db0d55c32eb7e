// Bundles src/index.js and CodeMirror into one minified ES module that the site serves as
// /vendor/codemirror.js (cargo-leptos copies public/ into the site).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const out = fileURLToPath(new URL('../../public/vendor/codemirror.js', import.meta.url));

await build({
  entryPoints: [fileURLToPath(new URL('./src/index.js', import.meta.url))],
  outfile: out,
  bundle: true,
  format: 'esm',
  minify: true,
  target: 'es2020',
  legalComments: 'eof',
  logLevel: 'warning',
});
