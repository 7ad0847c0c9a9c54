import { readFile } from 'node:fs/promises';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { expectNoAxeViolations } from './axe';
import { useCollector, waitForEvents } from './helpers';
import { storeEntries } from './identity-helpers';

// Issue 15: "Your data" in the banner shows what the site keeps about the visitor on this device,
// why (each audience's reason from the config), and where events went in the last 7 days; it
// downloads exactly what is stored and erases it with "Forget me".
const collector = useCollector();
test.use({ reducedMotion: 'reduce' });

/** What acquaint keeps on the device, read around it: its IndexedDB databases and acquaint.* localStorage keys. */
async function onDevice(page: Page): Promise<{ indexedDB: Record<string, Record<string, unknown>>; localStorage: Record<string, string> }> {
  const indexedDB: Record<string, Record<string, unknown>> = {};
  for (const [database, store] of [
    ['acquaint-identity', 'profile'],
    ['acquaint-queue', 'records'],
  ] as const) {
    const entries = await storeEntries(page, database, store);
    if (entries?.length) indexedDB[database] = Object.fromEntries(entries);
  }
  const localStorage = await page.evaluate(() =>
    Object.fromEntries(
      Object.keys(window.localStorage)
        .filter((key) => key.startsWith('acquaint.'))
        .map((key) => [key, window.localStorage.getItem(key)!]),
    ),
  );
  return { indexedDB, localStorage };
}

const dialog = (page: Page) => page.getByRole('dialog', { name: 'Your data' });

async function visitWithHistory(page: Page): Promise<{ anonymousId: string; delivered: number }> {
  await page.goto(`${collector.app.url}/your-data.html`);
  await page.evaluate(() => window.acquaint!.ready());
  await page.getByRole('button', { name: 'Accept all' }).click();
  await page.evaluate(() => {
    window.acquaint!.identify('ada', { plan: 'member', email: 'ada@example.com' });
    window.acquaint!.track('purchase', { value: 10 });
  });
  await page.evaluate(() => window.acquaint!.flush());
  const events = await waitForEvents(collector.app, 3); // page, identify, purchase (audience changes go only to an opted-in destination)
  // Delivered and deleted from the queue: what is stored has settled.
  await expect.poll(async () => Object.keys((await onDevice(page)).indexedDB['acquaint-queue'] ?? {}).length).toBe(0);
  const { anonymousId } = await page.evaluate(() => window.acquaint!.user());
  await expect.poll(() => collector.app.events.length).toBeGreaterThanOrEqual(events.length);
  return { anonymousId, delivered: collector.app.events.length };
}

async function screenshot(page: Page, info: TestInfo, name: string): Promise<void> {
  const path = info.outputPath(`${name}.png`);
  await page.screenshot({ path });
  await info.attach(name, { path, contentType: 'image/png' });
}

test.describe('Your data', () => {
  test('shows the ids, traits (hashed marked), audiences with their reasons and events sent per purpose', async ({ page }, info) => {
    const { anonymousId, delivered } = await visitWithHistory(page);
    await page.getByRole('button', { name: 'Your data' }).click();
    await expect(dialog(page)).toBeVisible();
    await expect(dialog(page)).toContainText(anonymousId);
    await expect(dialog(page)).toContainText('Signed-in idada');
    await expect(dialog(page)).toContainText('emailada@example.com (sent only as a hash)');
    await expect(dialog(page)).toContainText('planmember');
    await expect(dialog(page)).toContainText('MemberYou signed in with a member account.');
    await expect(dialog(page)).toContainText('BuyerYou bought something here.');
    await expect(dialog(page)).toContainText(`Analyticscollector: ${delivered} events`);
    await expectNoAxeViolations(page);
    await screenshot(page, info, 'your-data');
  });

  test('"Download my data" is exactly what is stored', async ({ page, browserName }) => {
    test.skip(
      browserName === 'firefox',
      "Playwright's BiDi Firefox does not report downloads; Chromium and the unit tests of storedData cover it",
    );
    await visitWithHistory(page);
    await page.evaluate(() => window.acquaint!.consent.show('data'));
    await expect(dialog(page)).toContainText('Visitor id');
    const stored = await onDevice(page);
    expect(Object.keys(stored.indexedDB)).toEqual(['acquaint-identity']);
    expect(Object.keys(stored.indexedDB['acquaint-identity']!).sort()).toEqual(['audiences', 'deliveries', 'profile']);
    expect(Object.keys(stored.localStorage).sort()).toEqual(['acquaint.audiences', 'acquaint.consent']);

    const downloading = page.waitForEvent('download');
    await dialog(page).getByRole('button', { name: 'Download my data' }).click();
    const file = await downloading;
    expect(file.suggestedFilename()).toBe('my-data.json');
    expect(JSON.parse(await readFile(await file.path(), 'utf8'))).toEqual(stored);
  });

  test('"Forget me" erases everything it showed and everything stored; then there is nothing to show or download', async ({
    page,
    browserName,
  }) => {
    const { anonymousId } = await visitWithHistory(page);
    await page.evaluate(() => window.acquaint!.consent.show('data'));
    await expect(dialog(page)).toContainText('emailada@example.com');
    expect(Object.keys((await onDevice(page)).indexedDB)).toEqual(['acquaint-identity']);

    await dialog(page).getByRole('button', { name: 'Forget me' }).click();
    await expect(dialog(page).getByRole('status')).toHaveText('Done: everything this site kept about you in this browser is erased.');
    expect(await onDevice(page)).toEqual({ indexedDB: {}, localStorage: {} });
    // Not just "ada": a fresh random visitor id may contain those letters.
    for (const gone of [anonymousId, 'Signed-in id', 'ada@example.com', 'planmember']) await expect(dialog(page)).not.toContainText(gone);
    await expect(dialog(page)).toContainText('About youNothing');
    await expect(dialog(page)).toContainText('Audiences you are inNothing');
    await expect(dialog(page)).toContainText('Sent in the last 7 daysNothing');
    if (browserName === 'firefox') return; // no download events under BiDi Firefox (above)
    const again = page.waitForEvent('download');
    await dialog(page).getByRole('button', { name: 'Download my data' }).click();
    expect(JSON.parse(await readFile(await (await again).path(), 'utf8'))).toEqual({ indexedDB: {}, localStorage: {} });
  });

  test('from "Cookie settings" by keyboard: Tab stays in the dialog, Escape goes back to the choices', async ({ page }) => {
    await page.goto(`${collector.app.url}/your-data.html`);
    await page.evaluate(() => window.acquaint!.ready());
    await page.getByRole('button', { name: 'Reject all' }).click();
    await page.locator('#settings').focus();
    await page.keyboard.press('Enter');
    const choices = page.getByRole('dialog', { name: 'Your privacy choices' });
    await expect(choices).toBeVisible();
    await choices.getByRole('button', { name: 'Your data' }).focus();
    await page.keyboard.press('Enter');
    await expect(dialog(page)).toBeVisible();
    await expect(dialog(page)).toContainText('Visitor id');
    // The content first (it may scroll: the keyboard must reach it), then the three buttons, and round again.
    const stops = ['#acq-data', 'Download my data', 'Forget me', 'Close'];
    const focused = () =>
      page.evaluate(() => {
        const active = document.querySelector('acquaint-consent')!.shadowRoot!.activeElement;
        return active?.id ? `#${active.id}` : (active?.textContent ?? null);
      });
    for (const name of [...stops, stops[0]]) {
      await page.keyboard.press('Tab');
      expect(await focused()).toBe(name);
    }
    await page.keyboard.press('Escape');
    await expect(dialog(page)).toBeHidden();
    await expect(choices).toBeVisible();
  });

  test('opened alone, it closes on Escape; at 320 px wide it fits and is still clean', async ({ page }, info) => {
    await page.setViewportSize({ width: 320, height: 640 });
    await visitWithHistory(page);
    await page.locator('#your-data').click();
    await expect(dialog(page)).toContainText('Member');
    const box = await dialog(page).boundingBox();
    expect(box!.width).toBeLessThanOrEqual(320);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    await expect(dialog(page).getByRole('button', { name: 'Forget me' })).toBeInViewport();
    await expectNoAxeViolations(page);
    await screenshot(page, info, 'your-data-320');
    await page.keyboard.press('Escape');
    await expect(page.locator('acquaint-consent')).toHaveCount(0);
  });
});
