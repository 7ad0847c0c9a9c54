// Rollup plugin: sets flags of src/config/build-features.ts for one output (see that file). The
// container build (src/cli/container.ts) writes the whole module from its config instead.
import { readFile } from 'node:fs/promises';

/** `flags`: name → value, each a flag that build-features.ts declares. */
export function buildFeatures(flags) {
  return {
    name: 'build-features',
    async load(id) {
      if (!id.endsWith('/src/config/build-features.ts')) return null;
      let code = await readFile(id, 'utf8');
      for (const [name, value] of Object.entries(flags)) {
        const declaration = new RegExp(`^export const ${name} = (true|false);$`, 'm');
        if (!declaration.test(code)) throw new Error(`build-features: no flag "${name}" in ${id}`);
        code = code.replace(declaration, `export const ${name} = ${value};`);
      }
      return code;
    },
  };
}
