/// <reference types="node" />
// The container build under the browser suite: in a `*-container` project every page that asks
// for /acquaint.js gets, instead of the generic runtime, the container that `acquaint build`
// makes of that page's own config (its `data-config` file or its inline #acquaint-config), and
// the files that container loads later come from beside it, as on a site. Builds are cached on
// disk by config and by the build of acquaint that made them.
import type { BrowserContext, Frame, Route, TestInfo } from '@playwright/test';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST } from './dist';

/** Whether this project runs the suite against container builds (`metadata.build` in playwright.config.ts). */
export const isContainer = (info: TestInfo): boolean => info.project.metadata?.build === 'container';

const CACHE = resolve(DIST, '..', 'node_modules', '.cache', 'acquaint-containers');
const SCRIPT = /\/acquaint\.js(\?|$)/;
// What a container may load beside itself.
const SIBLING = /\/((?:acquaint-[a-z0-9-]+|consent-ui)\.js)(\?|$)/;

// Which build of acquaint made a container: its modules and its CLI, by content.
let fingerprint: string | undefined;
function buildFingerprint(): string {
  if (fingerprint) return fingerprint;
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else hash.update(relative(DIST, path)).update(readFileSync(path));
    }
  };
  walk(join(DIST, 'modules'));
  for (const file of ['cli.mjs', 'consent-ui.js', 'acquaint-debug.js', 'acquaint-ga4.js', 'acquaint-meta-pixel.js', 'acquaint-script.js'])
    hash.update(readFileSync(join(DIST, file)));
  return (fingerprint = hash.digest('hex').slice(0, 16));
}

const building = new Map<string, Promise<string>>();

// `acquaint build` itself (dist/cli.mjs's runCli), run in this worker: one process keeps rollup
// and terser loaded and warm, where a process per container spent most of its time starting them.
let cli: Promise<typeof import('../../src/cli')> | undefined;
/** `acquaint build <file> --out <dir>`: what it printed on stderr when it refused, else undefined. */
async function buildWithCli(file: string, out: string): Promise<string | undefined> {
  cli ??= import(pathToFileURL(join(DIST, 'cli.mjs')).href) as Promise<typeof import('../../src/cli')>;
  const { runCli, nodeIo } = await cli;
  const errors: string[] = [];
  const code = await runCli(['build', file, '--out', out], nodeIo({ out: () => undefined, err: (line) => errors.push(line) }));
  return code === 0 ? undefined : errors.join('\n') || `exit code ${code}`;
}

/** The directory of the container built from this config text (built now, or found in the cache). */
export function containerFor(configText: string): Promise<string> {
  // The same config however it is formatted.
  let normal: string;
  try {
    normal = JSON.stringify(JSON.parse(configText));
  } catch {
    normal = configText;
  }
  const key = createHash('sha256').update(buildFingerprint()).update(normal).digest('hex').slice(0, 24);
  let dir = building.get(key);
  if (!dir) {
    dir = build(key, normal);
    building.set(key, dir);
  }
  return dir;
}

async function build(key: string, configText: string): Promise<string> {
  const dir = join(CACHE, key);
  if (existsSync(join(dir, 'acquaint.js'))) return dir;
  await mkdir(CACHE, { recursive: true });
  // Built aside and renamed into place: another worker may build the same config at once.
  const work = await mkdtemp(join(CACHE, `${key}-`));
  try {
    await writeFile(join(work, 'tags.json'), configText);
    const problem = await buildWithCli(join(work, 'tags.json'), join(work, 'out'));
    if (problem) throw new Error(`acquaint build refused this page's config:\n${problem}\n${configText}`);
    await rename(join(work, 'out'), dir).catch((error: NodeJS.ErrnoException) => {
      if (!existsSync(join(dir, 'acquaint.js'))) throw error;
    });
    return dir;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * In the page: the config the generic runtime would read there, as text. The browser may ask for
 * acquaint.js before its tag is parsed (the preload scanner): wait for the tag first.
 */
function pageConfig(): Promise<string | null> {
  const find = () => [...document.scripts].find((script) => /\/acquaint\.js(\?|$)/.test(script.src));
  const parsed = new Promise<HTMLScriptElement>((resolve) => {
    const tag = find();
    if (tag) return resolve(tag);
    const observer = new MutationObserver(() => {
      const found = find();
      if (!found) return;
      observer.disconnect();
      resolve(found);
    });
    observer.observe(document, { childList: true, subtree: true });
  });
  return parsed.then((tag) => {
    const url = tag.getAttribute('data-config');
    if (url) return fetch(url, { credentials: 'same-origin' }).then((response) => (response.ok ? response.text() : null));
    return document.getElementById('acquaint-config')?.textContent ?? null;
  });
}

const javascript = { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' };

/** Routes /acquaint.js (and the files it loads later) of every page in `context` to that page's container. */
export async function routeContainers(context: BrowserContext): Promise<void> {
  const served = new WeakMap<Frame, string>();
  const fail = (route: Route, message: string) =>
    route.fulfill({ headers: javascript, body: `console.error(${JSON.stringify(`container build: ${message}`)});` });
  await context.route(SCRIPT, async (route) => {
    const frame = route.request().frame();
    let dir: string;
    try {
      const text = await frame.evaluate(pageConfig);
      if (text === null) return await fail(route, 'this page has no config to build a container from');
      dir = await containerFor(text);
    } catch (error) {
      // Loud and at once: a page whose container cannot be made fails its test, it does not hang.
      return fail(route, error instanceof Error ? error.message : String(error)).catch(() => undefined);
    }
    served.set(frame, dir);
    await route.fulfill({ headers: javascript, body: await readFile(join(dir, 'acquaint.js')) });
  });
  await context.route(SIBLING, async (route) => {
    const dir = served.get(route.request().frame());
    // A page without acquaint.js (the banner on its own, say) gets the file as it is.
    if (!dir) return route.fallback();
    const name = SIBLING.exec(new URL(route.request().url()).pathname)![1]!;
    // Only what the container wrote beside itself: a runtime asking for more is a bug to see.
    if (!existsSync(join(dir, name))) return route.fulfill({ status: 404, headers: javascript, body: '' });
    await route.fulfill({ headers: javascript, body: await readFile(join(dir, name)) });
  });
}
