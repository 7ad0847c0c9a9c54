// Rollup/Vite plugin: `virtual:config-schemas` is the JSON Schema of src/config/sources.ts,
// generated from the zod schemas at build time. The page script validates config against it
// (src/config/validate.ts), so zod stays out of dist/acquaint.js and the zod schema remains
// the one source of the config's types and rules. Custom messages travel as `message`.
import { build } from 'esbuild';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ID = 'virtual:config-schemas';
const RESOLVED = '\0' + ID;
const root = fileURLToPath(new URL('..', import.meta.url));

async function generate() {
  const bundle = await build({
    entryPoints: [`${root}src/config/sources.ts`],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    external: ['zod', 'zod/*'],
    write: false,
  });
  // Written inside the repo so its `zod/mini` import resolves from node_modules.
  const dir = `${root}node_modules/.cache/acquaint`;
  await mkdir(dir, { recursive: true });
  const file = `${dir}/sources-${Date.now()}-${Math.random().toString(36).slice(2)}.mjs`;
  await writeFile(file, bundle.outputFiles[0].text);
  const { schemas } = await import(pathToFileURL(file).href);
  const z = await import('zod/mini');
  const toJson = (schema) => {
    const json = z.toJSONSchema(schema, {
      unrepresentable: 'throw',
      override: ({ zodSchema, jsonSchema }) => {
        const message = zodSchema._zod.def.checks?.map((check) => check._zod.def.error?.({})).find((text) => typeof text === 'string');
        if (message) jsonSchema.message = message;
      },
    });
    delete json.$schema;
    return json;
  };
  const config = toJson(schemas.config);
  // load.ts checks each destination on its own against `destination`: no second copy.
  delete config.properties.destinations;
  const settings = Object.fromEntries(Object.entries(schemas.settings).map(([type, schema]) => [type, toJson(schema)]));
  return `export const config = ${JSON.stringify(config)};\nexport const destination = ${JSON.stringify(toJson(schemas.destination))};\nexport const settings = ${JSON.stringify(settings)};\n`;
}

export function configSchemas() {
  let code;
  return {
    name: 'config-schemas',
    resolveId: (id) => (id === ID ? RESOLVED : null),
    async load(id) {
      if (id !== RESOLVED) return null;
      code ??= await generate();
      return code;
    },
  };
}
