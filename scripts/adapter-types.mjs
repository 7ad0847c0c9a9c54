// The built-in destination types of src/config/destination-types.ts (the one list of them), for the
// build scripts: that file imports nothing, so esbuild turns it into a module read from memory.
import { transform } from 'esbuild';
import { readFile } from 'node:fs/promises';

/** @returns {Promise<{ BUILT_IN_TYPES: readonly string[], CHUNKED_TYPES: readonly string[] }>} */
export async function adapterTypes() {
  const source = await readFile(new URL('../src/config/destination-types.ts', import.meta.url), 'utf8');
  const { code } = await transform(source, { loader: 'ts', format: 'esm' });
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
}
