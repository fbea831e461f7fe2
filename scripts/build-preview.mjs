// Builds the flow preview page (preview/) into dist/preview: one ES module bundle, its CSS and
// index.html. Run by `npm run build` after nest build (which empties dist/).
import { copyFileSync, mkdirSync } from 'node:fs';
import { build } from 'esbuild';

const out = 'dist/preview';
mkdirSync(out, { recursive: true });
const { metafile } = await build({
  entryPoints: ['preview/src/main.ts'],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  outfile: `${out}/app.js`,
  sourcemap: true,
  minify: true,
  metafile: true,
  logLevel: 'warning',
});
// The page runs in a browser: only its own code, Preact and htm may reach the bundle. A value
// imported from the server's code (rather than a type) would drag Node modules in. (node_modules
// may be a link to another checkout's, so its packages are matched wherever it lives.)
const allowed = /^preview\/src\/|(^|\/)node_modules\/(preact|htm)\//;
const foreign = Object.keys(metafile.inputs).filter((input) => !allowed.test(input));
if (foreign.length) {
  console.error(`✖ The preview bundle may hold only preview/src, preact and htm; it also holds:\n  ${foreign.join('\n  ')}`);
  process.exit(1);
}
copyFileSync('preview/index.html', `${out}/index.html`);
copyFileSync('preview/app.css', `${out}/app.css`);
