import { expect, test } from '@playwright/test';
import { consentPage, consentState, deviceState, openAndReady } from './consent-helpers';
import { useCollector, waitForEvents } from './helpers';

// A visitor's choice is theirs, not one tab's: made (or erased) in one tab of the site, it
// applies in the others that are open, through the `storage` event.
const collector = useCollector();

test.describe('consent across tabs', () => {
  test('a grant in one tab releases the held events of another, and forget in one returns both to the defaults', async ({
    page,
    context,
  }) => {
    const { app } = collector;
    const other = await context.newPage();
    await openAndReady(page, consentPage(app, '/consent-storage.json'));
    await openAndReady(other, consentPage(app, '/consent-storage.json'));
    await other.evaluate(() => window.acquaint!.track('held_in_other_tab'));

    await page.evaluate(() => window.acquaint!.consent.update({ analytics: 'granted' }));
    await expect.poll(() => consentState(other).then((s) => s.analytics)).toBe('granted');
    await other.evaluate(() => window.acquaint!.flush());
    const events = await waitForEvents(app, 1);
    expect(events.some((e) => e.event === 'held_in_other_tab')).toBe(true);

    await page.evaluate(() => window.acquaint!.forget());
    await expect.poll(() => consentState(other).then((s) => s.analytics)).toBe('pending');
    expect((await deviceState(page)).localStorage).toEqual([]);
  });
});
