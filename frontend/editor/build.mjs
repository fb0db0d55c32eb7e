// Bundles src/index.js and CodeMirror into one minified ES module that the site serves as
// /vendor/codemirror.js, and copies xterm.js (the terminal) beside it: /vendor/xterm.mjs,
// /vendor/addon-fit.mjs and /vendor/xterm.css. The page's import map points the `xterm` and
// `xterm-addon-fit` modules the WASM bundle imports (xterm-js-rs) at those files.
// (cargo-leptos copies public/ into the site.)
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const vendor = (name) => fileURLToPath(new URL(`../../public/vendor/${name}`, import.meta.url));
const dep = (path) => fileURLToPath(new URL(`./node_modules/${path}`, import.meta.url));

await mkdir(vendor(''), { recursive: true });
await build({
  entryPoints: [fileURLToPath(new URL('./src/index.js', import.meta.url))],
  outfile: vendor('codemirror.js'),
  bundle: true,
  format: 'esm',
  minify: true,
  target: 'es2020',
  legalComments: 'eof',
  logLevel: 'warning',
});
await copyFile(dep('@xterm/xterm/lib/xterm.mjs'), vendor('xterm.mjs'));
await copyFile(dep('@xterm/xterm/css/xterm.css'), vendor('xterm.css'));
await copyFile(dep('@xterm/addon-fit/lib/addon-fit.mjs'), vendor('addon-fit.mjs'));
