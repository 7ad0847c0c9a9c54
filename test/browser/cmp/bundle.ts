/// <reference types="node" />
import type { Page } from '@playwright/test';
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const bundles = new Map<string, Promise<string>>();

/** test/browser/cmp/<name>.ts bundled for the page (the real CMP libraries inside), once per run. */
export function bundle(name: string): Promise<string> {
  let code = bundles.get(name);
  if (!code) {
    code = build({
      entryPoints: [resolve(here, `${name}.ts`)],
      bundle: true,
      format: 'iife',
      target: 'es2020',
      write: false,
      logLevel: 'silent',
    }).then((result) => result.outputFiles[0]!.text);
    bundles.set(name, code);
  }
  return code;
}

/** The IAB's __tcfapi stub (@iabtcf/stub) as it is dropped on a page: it installs itself. */
export const tcfStub = (): Promise<string> => readFile(createRequire(import.meta.url).resolve('@iabtcf/stub'), 'utf8');

/** Serves `/cmp/<name>.js` to this page from the bundles above (before `page.goto`). */
export async function routeCmp(page: Page, origin: string, names: string[]): Promise<void> {
  for (const name of names) {
    const body = await (name === 'tcf-stub' ? tcfStub() : bundle(name));
    await page.route(`${origin}/cmp/${name}.js`, (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body }));
  }
}
