import { minifyPageScript } from '../../scripts/page-script.mjs';
import { parseConfig } from '../config/load';
import { parseTags } from '../triggers/load-tags';
import { parsePersonalize } from '../config/load-personalize';
import type { ConfigIssue } from '../config/report';
import { CHUNKED_TYPES } from '../config/destination-types';
import { checkConfig, type Finding } from './check-config';
import { featuresModule, featuresOf, type CompiledConfig, type Features } from './features';

/** Where the parts of a container come from: dist/modules (the runtime as ES modules) and dist/. */
export interface ContainerSources {
  /** dist/modules: what rollup bundles the container from. */
  modulesDir: string;
  /** dist/: the files a container may load later (banner, vendor tags), copied beside it. */
  distDir: string;
  readFile(path: string): Promise<string>;
}

export interface ContainerFile {
  name: string;
  code: string;
}

export type ContainerResult = { errors: Finding[]; notes: Finding[] } | { files: ContainerFile[]; features: Features; notes: Finding[] };

// The page-script rules of scripts/size.mjs, for what a container writes.
const FORBIDDEN = ['new Function', 'eval(', 'innerHTML'];
const ENTRY = '\0acquaint-container';

/**
 * `acquaint build`: checks the config as `acquaint validate` does and, only if it has no problem,
 * bundles dist/modules with the config compiled in and the flags of config/build-features.ts
 * set from it (rollup's tree-shaking drops what a false flag guards), then minifies. Same config,
 * same bytes: nothing in the output depends on time, paths or the file's formatting.
 */
export async function buildContainer(text: string, sources: ContainerSources): Promise<ContainerResult> {
  const { errors, notes } = checkConfig(text);
  if (errors.length) return { errors, notes };
  const compiled = compile(JSON.parse(text) as unknown);
  if ('errors' in compiled) return { errors: compiled.errors, notes };
  const features = featuresOf(compiled);
  const files: ContainerFile[] = [{ name: 'acquaint.js', code: await bundle(compiled, features, sources) }];
  const later = [
    // Debug mode's trace (`?acquaint_debug=1`, `data-debug`), unless the config turns debug mode on for everyone.
    ...(features.debugTrace ? [] : ['acquaint-debug.js']),
    ...(features.banner ? ['consent-ui.js'] : []),
    ...CHUNKED_TYPES.filter((type) => compiled.destinations.some((d) => d.type === type)).map((type) => `acquaint-${type}.js`),
  ];
  for (const name of later) files.push({ name, code: await sources.readFile(`${sources.distDir}/${name}`) });
  const forbidden = files.flatMap(({ name, code }) =>
    FORBIDDEN.filter((needle) => code.includes(needle)).map((needle) => ({ path: name, message: `contains forbidden "${needle}"` })),
  );
  if (forbidden.length) return { errors: forbidden, notes };
  return { files, features, notes };
}

/** The config as the runtime would load it, its triggers and variables parsed too. */
function compile(input: unknown): CompiledConfig | { errors: Finding[] } {
  const { tags, personalize: raw, ...loaded } = parseConfig(input);
  const issues: ConfigIssue[] = [...loaded.issues];
  const parsed = tags && parseTags(tags, issues);
  const personalize = parsePersonalize(raw, loaded.config.audiences ?? [], issues);
  if (issues.length) return { errors: issues.map(({ path, message }) => ({ path, message })) };
  const { $schema: _editorHint, ...config } = loaded.config as typeof loaded.config & { $schema?: unknown };
  return { ...loaded, config, ...(parsed ? { tags: parsed } : {}), ...(personalize.length ? { personalize } : {}) };
}

async function bundle(compiled: CompiledConfig, features: Features, { modulesDir }: ContainerSources): Promise<string> {
  const { rollup } = await import('rollup');
  const flagsFile = `${modulesDir}/config/build-features.js`;
  const build = await rollup({
    input: ENTRY,
    // Warnings (an unused import left by a false flag) are expected; errors still throw.
    onwarn: () => undefined,
    plugins: [
      {
        name: 'acquaint-container',
        resolveId: (id) => (id === ENTRY ? ENTRY : null),
        load(id) {
          if (id === ENTRY)
            return `import { install } from ${JSON.stringify(`${modulesDir}/install.js`)};\ninstall(${JSON.stringify(compiled)});\n`;
          if (id === flagsFile) return featuresModule(features);
          return null;
        },
      },
    ],
  });
  // As an ES module, then minified as dist/'s page scripts are (scripts/page-script.mjs): esbuild's
  // tree-shaking drops what rollup's left behind (rollup never takes back a declaration it once
  // included: syncServerId stayed in every container after its only call fell to the serverId
  // flag), terser renames and compresses. Strict, as the module was.
  const { output } = await build.generate({ format: 'es' });
  await build.close();
  return (await minifyPageScript(output[0].code)).code;
}
