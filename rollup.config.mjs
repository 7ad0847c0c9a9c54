// Three outputs (contract §1): the page script as one minified IIFE, the ES module for
// bundlers, and its type declarations. TypeScript is transpiled by esbuild; `tsc --noEmit`
// type-checks separately (see README: why TypeScript 5.9 is pinned).
import { readFileSync } from 'node:fs';
import nodeResolve from '@rollup/plugin-node-resolve';
import esbuild from 'rollup-plugin-esbuild';
import { dts } from 'rollup-plugin-dts';
import { reportSizes } from './scripts/size.mjs';
import { configSchemas } from './scripts/config-schemas.mjs';
import { buildFeatures } from './scripts/build-features.mjs';
import { pageScript } from './scripts/page-script.mjs';
import { adapterTypes } from './scripts/adapter-types.mjs';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const define = { __VERSION__: JSON.stringify(version) };

const transpile = (minify) => esbuild({ target: 'es2020', define, minify, legalComments: 'none' });

// The built-in types that are files of their own next to acquaint.js (src/destinations/types.ts),
// each loaded when a destination of its type is first allowed; src/chunks/<type>.ts is its entry.
const { CHUNKED_TYPES: TAGS } = await adapterTypes();

const RELAY_EXTERNAL = [/^node:/, /^zod/, /^hono/, /^@hono\//, /^pg$/, /^@electric-sql\//, /^pino/, /^prom-client/];

// dist/acquaint.js loads debug mode's trace (acquaint-debug.js) only when debug mode turns on,
// and the audience rules with `personalize` (acquaint-audiences.js) only for a config that has them.
// So are consent receipts and forget at the relay (acquaint-proof.js), only for a config with `relay`.
const GENERIC = { debugTrace: false, inlineAudiences: false, inlineProof: false };

export default [
  {
    input: 'src/runtime.ts',
    output: { file: 'dist/acquaint.js', format: 'es', sourcemap: true },
    plugins: [
      buildFeatures(GENERIC),
      configSchemas({ page: true }),
      nodeResolve(),
      transpile(false),
      pageScript(),
      reportSizes(['dist/acquaint.js']),
    ],
  },
  {
    // What `acquaint build` bundles a container from (src/cli/container.ts): the runtime as plain
    // ES modules, one per source file, untouched by tree-shaking so every feature flag of
    // config/build-features.ts is still there to be set.
    input: 'src/install.ts',
    output: {
      dir: 'dist/modules',
      format: 'es',
      preserveModules: true,
      preserveModulesRoot: 'src',
    },
    treeshake: false,
    plugins: [configSchemas({ page: true }), nodeResolve(), transpile(false)],
  },
  {
    input: 'src/index.ts',
    output: { file: 'dist/acquaint.mjs', format: 'es', sourcemap: true },
    external: [/^zod/],
    plugins: [configSchemas({ page: true }), transpile(false)],
  },
  {
    input: 'src/index.ts',
    output: { file: 'dist/acquaint.d.ts', format: 'es' },
    external: [/^zod/, 'virtual:config-schemas'],
    plugins: [dts()],
  },
  {
    // The optional banner: its own file, loaded by the runtime only when the config asks for it.
    input: 'src/consent-ui/index.ts',
    output: { file: 'dist/consent-ui.js', format: 'es', sourcemap: true },
    plugins: [transpile(false), pageScript(), reportSizes(['dist/consent-ui.js'])],
  },
  {
    // `npx acquaint validate tags.json`: the config checked with the zod schema itself, in Node.
    input: 'src/cli.ts',
    output: { file: 'dist/cli.mjs', format: 'es', banner: '#!/usr/bin/env node' },
    external: [/^zod/, /^node:/, /^rollup/, /^esbuild/, /^terser/],
    plugins: [configSchemas({ emitEditorSchema: true }), transpile(false)],
  },
  {
    // Triggers, variables and attribute tagging: loaded only for a config that has them.
    input: 'src/chunks/triggers.ts',
    output: { file: 'dist/acquaint-triggers.js', format: 'es', sourcemap: true },
    plugins: [configSchemas({ page: true }), transpile(false), pageScript(), reportSizes(['dist/acquaint-triggers.js'])],
  },
  {
    // Audience rules and `personalize`: loaded by dist/acquaint.js only for a config that has them.
    input: 'src/chunks/audiences.ts',
    output: { file: 'dist/acquaint-audiences.js', format: 'es', sourcemap: true },
    plugins: [configSchemas({ page: true }), transpile(false), pageScript(), reportSizes(['dist/acquaint-audiences.js'])],
  },
  {
    // Consent receipts, the id cookie and forget at the relay: loaded by dist/acquaint.js only for a config with `relay`.
    input: 'src/chunks/proof.ts',
    output: { file: 'dist/acquaint-proof.js', format: 'es', sourcemap: true },
    plugins: [transpile(false), pageScript(), reportSizes(['dist/acquaint-proof.js'])],
  },
  {
    // Debug mode's trace, for a runtime built without it: loaded when debug mode turns on.
    input: 'src/chunks/debug.ts',
    output: { file: 'dist/acquaint-debug.js', format: 'es', sourcemap: true },
    plugins: [transpile(false), pageScript(), reportSizes(['dist/acquaint-debug.js'])],
  },
  {
    // The relay (contract §9): Node only, its server, database and logger packages left as imports.
    input: 'src/relay/index.ts',
    output: { file: 'dist/relay.mjs', format: 'es', inlineDynamicImports: true },
    external: RELAY_EXTERNAL,
    plugins: [configSchemas(), transpile(false)],
  },
  {
    // The embedded PGlite's thread: beside dist/relay.mjs, as src/relay/store/pglite-worker.mjs is beside its user.
    input: 'src/relay/store/pglite-worker.mjs',
    output: { file: 'dist/pglite-worker.mjs', format: 'es' },
    external: RELAY_EXTERNAL,
  },
  {
    input: 'src/relay/index.ts',
    output: { file: 'dist/relay.d.ts', format: 'es' },
    external: [...RELAY_EXTERNAL, 'virtual:config-schemas'],
    plugins: [dts()],
  },
  ...TAGS.map((tag) => ({
    input: `src/chunks/${tag}.ts`,
    output: { file: `dist/acquaint-${tag}.js`, format: 'es', sourcemap: true },
    plugins: [transpile(false), pageScript(), reportSizes([`dist/acquaint-${tag}.js`])],
  })),
];
