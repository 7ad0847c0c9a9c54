// Rollup/Vite plugin: `virtual:config-schemas` is the JSON Schema of src/cli/config-sources.ts,
// generated from the zod schemas at build time. The page script validates config against it
// (src/config/validate.ts), so zod stays out of dist/acquaint.js and the zod schema remains
// the one source of the config's types and rules. Custom messages travel as `message`.
import { build } from 'esbuild';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ID = 'virtual:config-schemas';
const RESOLVED = '\0' + ID;
const root = fileURLToPath(new URL('..', import.meta.url));

/** The virtual module's code and the editor's JSON Schema, from the zod schemas. */
export async function generate() {
  const bundle = await build({
    entryPoints: [`${root}src/cli/config-sources.ts`],
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
  // Imported once, then gone: each build writes its own (an import is cached by its URL).
  const { schemas } = await import(pathToFileURL(file).href).finally(() => rm(file, { force: true }));
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
  const editor = editorSchema(config, schemas, toJson);
  // load.ts checks each destination, trigger and variable (load-personalize.ts each personalize entry) on its own: no second copy.
  const variableName = config.properties.variables.propertyNames;
  const personalize = config.properties.personalize.items;
  delete config.properties.destinations;
  delete config.properties.personalize;
  delete config.properties.triggers;
  delete config.properties.variables;
  const byType = (map) => Object.fromEntries(Object.entries(map).map(([type, schema]) => [type, toJson(schema)]));
  const settings = byType(schemas.settings);
  const module = (config, settings) =>
    [
      `export const config = ${JSON.stringify(config)};`,
      `export const destination = ${JSON.stringify(toJson(schemas.destination))};`,
      `export const settings = ${JSON.stringify(settings)};`,
      `export const trigger = ${JSON.stringify(byType(schemas.triggers))};`,
      `export const variable = ${JSON.stringify(byType(schemas.variables))};`,
      `export const variableName = ${JSON.stringify(variableName)};`,
      `export const personalize = ${JSON.stringify(personalize)};`,
    ].join('\n');
  const code = module(config, settings);
  const page = module(...forThePage(config, settings));
  return { code: `${code}\n`, pageCode: `${page}\n`, editor };
}

// What only the relay reads (contract §9): the page checks relay.url and lets the rest through,
// unchecked but known, so its script does not carry rules it never applies. `acquaint validate`,
// `acquaint build` and the relay check them in full.
const RELAY_ONLY_SETTINGS = ['apiSecretEnv', 'accessTokenEnv', 'headersEnv', 'endpoint', 'testEventCode'];

function forThePage(config, settings) {
  const page = structuredClone(config);
  const relay = page.properties.relay;
  if (relay) page.properties.relay = { type: 'object', properties: { url: relay.properties.url }, required: ['url'] };
  const slim = structuredClone(settings);
  for (const schema of Object.values(slim))
    for (const key of RELAY_ONLY_SETTINGS) if (schema.properties?.[key]) schema.properties[key] = {};
  return [page, slim];
}

// dist/acquaint.schema.json, for editors (`"$schema"` in tags.json): the whole config, with each
// built-in destination type's settings checked by its own schema.
function editorSchema(config, schemas, toJson) {
  const json = structuredClone(config);
  const destination = json.properties.destinations.items;
  destination.allOf = Object.entries(schemas.settings).map(([type, schema]) => ({
    if: { properties: { type: { const: type } }, required: ['type'] },
    then: { properties: { settings: toJson(schema) } },
  }));
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://acquaint.dev/acquaint.schema.json',
    title: 'acquaint config (tags.json)',
    ...json,
  };
}

let generated;

/**
 * `emitEditorSchema`: also write acquaint.schema.json next to this output. `page`: the page
 * script's copy, without the rules of what only the relay reads.
 */
export function configSchemas({ emitEditorSchema = false, page = false } = {}) {
  return {
    name: 'config-schemas',
    resolveId: (id) => (id === ID ? RESOLVED : null),
    async load(id) {
      if (id !== RESOLVED) return null;
      generated ??= generate();
      const { code, pageCode } = await generated;
      return page ? pageCode : code;
    },
    async generateBundle() {
      if (!emitEditorSchema) return;
      generated ??= generate();
      const { editor } = await generated;
      this.emitFile({ type: 'asset', fileName: 'acquaint.schema.json', source: `${JSON.stringify(editor, null, 2)}\n` });
    },
  };
}
