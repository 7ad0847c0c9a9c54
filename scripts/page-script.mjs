// Rollup plugin: a page script (a classic <script>) from an ES module chunk. esbuild minifies the
// whole chunk and wraps it in a strict IIFE; its tree-shaking, over top-level declarations, drops
// what rollup's left behind (rollup never takes back a declaration it once included). The
// container build (src/cli/container.ts) does the same. Use with `output.format: 'es'`.
import { transform } from 'esbuild';

export const PAGE_SCRIPT = {
  minify: true,
  target: 'es2020',
  legalComments: 'none',
  format: 'iife',
  treeShaking: true,
  banner: '"use strict";',
};

export function pageScript() {
  return {
    name: 'page-script',
    async renderChunk(code) {
      const { code: out, map } = await transform(code, { ...PAGE_SCRIPT, sourcemap: 'external' });
      return { code: out, map };
    },
  };
}
