// Builds the flow preview page (preview/) into dist/preview: one ES module bundle, its CSS and
// index.html. Run by `npm run build` after nest build (which empties dist/).
import { copyFileSync, mkdirSync } from 'node:fs';
import { build } from 'esbuild';

const out = 'dist/preview';
mkdirSync(out, { recursive: true });
await build({
  entryPoints: ['preview/src/main.ts'],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  outfile: `${out}/app.js`,
  sourcemap: true,
  minify: true,
  logLevel: 'warning',
});
copyFileSync('preview/index.html', `${out}/index.html`);
copyFileSync('preview/app.css', `${out}/app.css`);
