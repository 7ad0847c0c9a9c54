import { expect, test, type Page } from '@playwright/test';
import { flush, genericOnly, names, openReady, useCollector, waitForEvents, watchPage, type PageLog } from './helpers';

// Contract §2 and §4: where the config comes from, and what a missing or invalid one does.
// "One clear console error naming the field"; the data layer and the rest keep working.
const collector = useCollector();
// A container's config is checked when it is built (test/unit/cli/build.test.ts): in the page there is none to load or refuse.
const IN_THE_PAGE = 'the config is read and checked in the page';

/** The data layer works whatever happened to the config: the pre-load push is in the model, a new one too. */
async function expectDataLayerWorks(page: Page): Promise<void> {
  const seen = await page.evaluate(() => {
    (window.dataLayer as unknown[]).push({ later: { ok: 1 } });
    return { plan: window.acquaint!.get('user.plan'), later: window.acquaint!.get('later.ok') };
  });
  expect(seen).toEqual({ plan: 'pro', later: 1 });
}

/** Exactly one console.error (Chromium's own network lines aside), and it is acquaint's. */
function theOneError(log: PageLog): string {
  expect(log.errors).toHaveLength(1);
  return log.errors[0]!;
}

test.describe('config', () => {
  test('an inline #acquaint-config is used when the tag has no data-config', async ({ page }) => {
    const { app } = collector;
    const log = watchPage(page);
    await openReady(page, app, '/config-inline.html');
    await flush(page);
    const events = await waitForEvents(app, 2, 'inline');
    expect(names(events)).toEqual(['page', 'pre_load']);
    expect(app.events.every((e) => e.receivedBy === 'inline')).toBe(true);
    expect(log.errors).toEqual([]);
  });

  test('no config at all logs one error, sends nothing, and the data layer keeps working', async ({ page }) => {
    genericOnly(IN_THE_PAGE);
    const { app } = collector;
    const log = watchPage(page);
    await openReady(page, app, '/config-missing.html');
    await page.evaluate(async () => {
      window.acquaint!.track('ignored');
      await window.acquaint!.flush();
    });
    expect(theOneError(log)).toMatch(/^acquaint: config unavailable: /);
    expect(log.pageErrors).toEqual([]);
    await expectDataLayerWorks(page);
    expect(app.batches).toHaveLength(0);
  });

  test('a bad destination url is reported once with its path and only that destination is disabled', async ({ page }) => {
    genericOnly(IN_THE_PAGE);
    const { app } = collector;
    const log = watchPage(page);
    await openReady(page, app, '/config-bad-url.html');
    await page.evaluate(async () => {
      window.acquaint!.track('after_config', { n: 1 });
      await window.acquaint!.flush();
    });
    const error = theOneError(log);
    expect(error).toMatch(/^acquaint: invalid config/);
    expect(error).toMatch(/✖ .+ → at destinations\[0\]\.settings\.url$/m);
    expect(error).not.toContain('destinations[1]');
    const events = await waitForEvents(app, 3, 'valid');
    expect(names(events)).toEqual(['page', 'pre_load', 'after_config']);
    expect(app.events.every((e) => e.receivedBy === 'valid')).toBe(true);
    expect(log.pageErrors).toEqual([]);
    await expectDataLayerWorks(page);
  });

  test('a type that is not built in gets one warning naming destinations[i].type, and the others still deliver', async ({ page }) => {
    const { app } = collector;
    const log = watchPage(page);
    await openReady(page, app, '/config-unknown-type.html');
    await flush(page);
    expect(log.errors).toEqual([]);
    expect(log.warnings).toEqual([
      expect.stringMatching(/^acquaint: "carrier-pigeon" is not a built-in type .* → at destinations\[1\]\.type$/),
    ]);
    const events = await waitForEvents(app, 2, 'valid');
    expect(names(events)).toEqual(['page', 'pre_load']);
    expect(app.events.some((e) => e.receivedBy === 'mystery')).toBe(false);
  });

  test('a config URL answering 404 logs one error and nothing crashes', async ({ page }) => {
    genericOnly(IN_THE_PAGE);
    const { app } = collector;
    const log = watchPage(page);
    const configResponse = page.waitForResponse((response) => response.url().endsWith('/does-not-exist.json'));
    await openReady(page, app, '/config-404.html');
    expect((await configResponse).status()).toBe(404);
    await flush(page);
    const error = theOneError(log);
    expect(error).toMatch(/^acquaint: config unavailable: /);
    expect(error).toContain('/does-not-exist.json');
    expect(error).toContain('404');
    expect(log.pageErrors).toEqual([]);
    await expectDataLayerWorks(page);
    expect(app.batches).toHaveLength(0);
  });

  test('version 2 is rejected with an error naming version', async ({ page }) => {
    genericOnly(IN_THE_PAGE);
    const { app } = collector;
    const log = watchPage(page);
    await openReady(page, app, '/config-version2.html');
    await flush(page);
    const error = theOneError(log);
    expect(error).toMatch(/^acquaint: invalid config/);
    expect(error).toMatch(/✖ .*2.* → at version$/m);
    expect(log.pageErrors).toEqual([]);
    await expectDataLayerWorks(page);
  });
});
