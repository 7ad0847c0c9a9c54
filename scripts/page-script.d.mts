/** `code` (an ES module) as a minified strict IIFE, as dist/'s page scripts are; with `sourcemap`, its map. */
export function minifyPageScript(code: string, sourcemap?: boolean): Promise<{ code: string; map?: unknown }>;
/** The rollup plugin that makes dist/'s page scripts. */
export function pageScript(): { name: string; renderChunk(code: string): Promise<{ code: string; map?: unknown }> };
