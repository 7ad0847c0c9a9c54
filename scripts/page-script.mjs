// Rollup plugin: a page script (a classic <script>) from an ES module chunk. esbuild minifies the
// whole chunk and wraps it in a strict IIFE; its tree-shaking, over top-level declarations, drops
// what rollup's left behind (rollup never takes back a declaration it once included). terser then
// minifies again: its renaming (names by frequency) and compression take 1.2 KB gzip more off
// dist/acquaint.js than esbuild's alone (issue 27). The container build (src/cli/container.ts)
// does the same. Use with `output.format: 'es'`.
import { transform } from 'esbuild';
import { minify } from 'terser';

export const PAGE_SCRIPT = {
  minify: true,
  target: 'es2020',
  legalComments: 'none',
  format: 'iife',
  treeShaking: true,
  banner: '"use strict";',
};

/** Two passes: a third found nothing more on acquaint.js (23,903 B gzip with two, 23,925 with three). */
export const TERSER = { ecma: 2020, compress: { passes: 2 }, mangle: true, format: { comments: false } };

export function pageScript() {
  return {
    name: 'page-script',
    async renderChunk(code) {
      const wrapped = await transform(code, { ...PAGE_SCRIPT, sourcemap: 'external' });
      const out = await minify(wrapped.code, { ...TERSER, sourceMap: { content: wrapped.map, asObject: true } });
      return { code: out.code, map: out.map };
    },
  };
}
