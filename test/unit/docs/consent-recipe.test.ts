import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// docs/consent-banners.md gives the vanilla-cookieconsent recipe; the browser suites run
// test/browser/fixtures/cookieconsent-page.html. The page must be the recipe as written, apart
// from the lines a test needs (the banner's revision from the URL, hideFromBots off).
const read = (path: string): string => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
const doc = read('docs/consent-banners.md');
const fixture = read('test/browser/fixtures/cookieconsent-page.html');
const recipe = /## vanilla-cookieconsent 3[\s\S]*?```html\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
const TEST_ONLY = /^\s*(revision|hideFromBots):/;

/** The page's inline scripts (not JSON), without comments, blank lines and indentation. */
function scripts(html: string): string[] {
  return [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(([, body]) =>
    body!
      .split('\n')
      .map((line) =>
        line
          .replace(/\s\/\/.*$/, '')
          .replace(/^\s*\/\/.*$/, '')
          .trim(),
      )
      .filter((line) => line && !TEST_ONLY.test(line))
      .join('\n'),
  );
}

/** The `consent` section of a config: the recipe's JSON block, or the page's inline config. */
const consentOf = (json: string): unknown => (JSON.parse(json) as { consent?: unknown }).consent;

describe('the vanilla-cookieconsent recipe in docs/consent-banners.md', () => {
  it('is what the browser tests run: the same default, update function and banner call', () => {
    expect(recipe).not.toBe('');
    expect(scripts(fixture)).toEqual(scripts(recipe));
  });

  it('has the config the tests use: consent.source "page", no banner of acquaint\'s', () => {
    const docConfig = /### acquaint's config\s+```json\n([\s\S]*?)```/.exec(doc)?.[1] ?? '{}';
    const pageConfig = /<script type="application\/json" id="acquaint-config">([\s\S]*?)<\/script>/.exec(fixture)?.[1] ?? '{}';
    expect(consentOf(docConfig)).toEqual({ source: 'page' });
    expect(consentOf(pageConfig)).toEqual(consentOf(docConfig));
  });

  it('loads the banner from the same URLs with the same integrity values', () => {
    const tags = (html: string) =>
      [...html.matchAll(/(?:src|href)="(https:[^"]+)"\s+integrity="([^"]+)"/g)].map(([, url, integrity]) => `${url} ${integrity}`);
    expect(tags(fixture)).toHaveLength(2);
    expect(tags(fixture)).toEqual(tags(recipe));
  });
});
