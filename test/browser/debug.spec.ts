import { expect, test, type Page } from '@playwright/test';
import { useCollector, waitForEvents } from './helpers';
import { serveConfig, vendorPage } from './vendor-helpers';

// Debug mode from the page's URL: grouped console output per event, and acquaint.debug() as data.
const collector = useCollector();

const CONFIG = {
  version: 1,
  consent: { defaults: { analytics: 'granted', marketing: 'pending' } },
  destinations: [
    { id: 'collector', type: 'http', purposes: ['analytics'], settings: { url: '/v1/batch' }, events: { exclude: ['internal_*'] } },
    { id: 'ads', type: 'http', purposes: ['marketing'], settings: { url: '/v1/batch?dest=ads' } },
  ],
};

/**
 * console.groupCollapsed/debug/groupEnd as one list of lines, groups marked. Under BiDi (Firefox)
 * a group start is 'groupCollapsed' and its end is not reported: the next group start ends it.
 */
function consoleLines(page: Page): string[] {
  const lines: string[] = [];
  page.on('console', (message) => {
    const type = message.type() as string;
    if (type === 'startGroupCollapsed' || type === 'groupCollapsed') lines.push(`▸ ${message.text()}`);
    else if (type === 'endGroup') lines.push('◂');
    else if (message.type() === 'debug') lines.push(message.text());
  });
  return lines;
}

async function open(page: Page, query: string): Promise<void> {
  const { app } = collector;
  const url = await vendorPage(page, app, await serveConfig(page, app, CONFIG));
  await page.goto(`${url}${query}`);
  await page.evaluate(() => window.acquaint!.ready());
}

test('?acquaint_debug=1 logs each event as a group of its steps per destination, later steps as lines, and debug() returns them', async ({
  page,
}) => {
  const lines = consoleLines(page);
  await open(page, '&acquaint_debug=1');
  await page.evaluate(async () => {
    window.acquaint!.track('signup', { contact: 'ada@example.com' });
    window.acquaint!.track('internal_ping');
    await window.acquaint!.flush();
  });
  await waitForEvents(collector.app, 2, 'collector');
  await expect.poll(() => lines.filter((l) => l.startsWith('acquaint ▸ signup → collector: delivered')).length).toBe(1);
  const group = lines.indexOf(lines.find((l) => /^▸ acquaint ▸ signup \(/.test(l))!);
  expect(lines.slice(group + 1, group + 3)).toEqual(['collector: redacted (1 value(s) redacted)', 'ads: held (marketing pending)']);
  expect(lines[group + 3]).toMatch(/^(◂|▸ acquaint ▸ internal_ping )/);
  const debug = await page.evaluate(() => window.acquaint!.debug());
  expect(debug.enabled).toBe(true);
  const steps = Object.fromEntries(debug.events.map((e) => [e.name, e.steps.map((s) => `${s.destination}: ${s.status}`)]));
  expect(steps).toMatchObject({
    signup: ['collector: redacted', 'ads: held', 'collector: delivered'],
    internal_ping: ['collector: filtered', 'ads: held'],
  });
});

test('without the flag nothing is recorded or logged, until debug(true)', async ({ page }) => {
  const lines = consoleLines(page);
  await open(page, '');
  await page.evaluate(() => window.acquaint!.track('quiet'));
  expect(await page.evaluate(() => window.acquaint!.debug())).toEqual({ enabled: false, events: [] });
  expect(lines.filter((l) => l.includes('acquaint ▸'))).toEqual([]);
  await page.evaluate(() => {
    window.acquaint!.debug(true);
    window.acquaint!.track('loud');
  });
  // The trace may still be loading (acquaint-debug.js): what happened meanwhile reaches it.
  await expect.poll(() => page.evaluate(() => window.acquaint!.debug().events.map((e) => e.name))).toEqual(['loud']);
});
