// A page script (a classic <script>) from an ES module chunk, for dist/ (the rollup plugin below)
// and for `acquaint build`'s containers (src/cli/container.ts imports minifyPageScript): one set of
// options for both. esbuild minifies the whole chunk and wraps it in a strict IIFE; its
// tree-shaking, over top-level declarations, drops what rollup's left behind (rollup never takes
// back a declaration it once included). terser then minifies again: its renaming (names by
// frequency) and compression take 1.2 KB gzip more off dist/acquaint.js than esbuild's alone
// (issue 27). Use the plugin with `output.format: 'es'`.

const PAGE_SCRIPT = {
  minify: true,
  target: 'es2020',
  legalComments: 'none',
  format: 'iife',
  treeShaking: true,
  banner: '"use strict";',
};

/** Two passes: a third found nothing more on acquaint.js (23,903 B gzip with two, 23,925 with three). */
const TERSER = { ecma: 2020, compress: { passes: 2 }, mangle: true, format: { comments: false } };

/**
 * `code` (an ES module) as a minified strict IIFE; with `sourcemap`, the map from it back to `code`.
 * esbuild and terser are loaded when first needed, so the CLI starts without them.
 */
export async function minifyPageScript(code, sourcemap = false) {
  const { transform } = await import('esbuild');
  const { minify } = await import('terser');
  const wrapped = await transform(code, { ...PAGE_SCRIPT, ...(sourcemap ? { sourcemap: 'external' } : {}) });
  const out = await minify(wrapped.code, { ...TERSER, ...(sourcemap ? { sourceMap: { content: wrapped.map, asObject: true } } : {}) });
  return { code: out.code ?? wrapped.code, map: out.map };
}

export function pageScript() {
  return {
    name: 'page-script',
    renderChunk: (code) => minifyPageScript(code, true),
  };
}
