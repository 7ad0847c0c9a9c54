/// <reference types="node" />
// The vanilla-cookieconsent recipe of docs/consent-banners.md (fixtures/cookieconsent-page.html),
// shared by the Playwright suite (cookieconsent.spec.ts) and the WebKit suite
// (test/webkit/cookieconsent.test.ts): where the real package is, and the page as a variant asks.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_JSON = createRequire(import.meta.url).resolve('vanilla-cookieconsent/package.json');
const PACKAGE = dirname(PACKAGE_JSON);
const FIXTURE = resolve(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'cookieconsent-page.html');

/** Where the page loads the banner from, as the docs write it (`<version>/dist/<file>` follows). */
export const CDN = 'https://cdn.jsdelivr.net/npm/vanilla-cookieconsent@';
export const RECIPE_PATH = '/cookieconsent-page.html';
/** The package's files the page loads, with the types a CDN serves them as. */
export const BANNER_FILES = {
  'cookieconsent.umd.js': 'text/javascript; charset=utf-8',
  'cookieconsent.css': 'text/css; charset=utf-8',
} as const;

/** The version in node_modules: the fixture (and the docs) pin it, with its integrity values. */
export const installedVersion = async (): Promise<string> =>
  (JSON.parse(await readFile(PACKAGE_JSON, 'utf8')) as { version: string }).version;

/** A file of the installed package's dist/, if the page may ask for it. */
export function bannerFile(file: string): Promise<Buffer> | undefined {
  return file in BANNER_FILES ? readFile(join(PACKAGE, 'dist', file)) : undefined;
}

export interface RecipeVariant {
  /** `consent.consentModeDefault` in the page's config ("deny": the reading before issue 28). */
  consentModeDefault?: 'hold' | 'deny';
  /** Loads the banner from this prefix instead of the CDN (WebDriver cannot route requests). */
  bannerFrom?: string;
  /** acquaint's tag at the end of `<head>`, before the banner's, as many sites place it. */
  acquaintFirst?: boolean;
}

/** The recipe page's HTML, changed only as `variant` asks. */
export async function recipeHtml({ consentModeDefault, bannerFrom, acquaintFirst }: RecipeVariant = {}): Promise<string> {
  let html = await readFile(FIXTURE, 'utf8');
  const source = '"consent": { "source": "page" }';
  const tag = '<script async src="/acquaint.js"></script>';
  if (![source, CDN, tag].every((part) => html.includes(part)))
    throw new Error(`${FIXTURE} no longer has ${source}, the CDN URLs and ${tag}`);
  if (acquaintFirst) html = html.replace(tag, '').replace('</head>', `  ${tag}\n</head>`);
  if (consentModeDefault) html = html.replace(source, `"consent": { "source": "page", "consentModeDefault": "${consentModeDefault}" }`);
  if (bannerFrom) html = html.replaceAll(CDN, bannerFrom);
  return html;
}
