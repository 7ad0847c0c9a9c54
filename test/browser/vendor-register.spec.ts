import { expect, test, type Page } from '@playwright/test';
import { useCollector, waitForEvents, waitForReport, watchPage, type ReceivedEvent } from './helpers';

// acquaint.register(adapterType): a site's own destination type. A config entry of a type that
// is not built in is accepted with a warning and its events queue until the type arrives —
// registered before the config loaded or long after — then reach it in order.
const collector = useCollector();

interface CrmBatch {
  unloading: boolean;
  events: ReceivedEvent[];
}
declare global {
  interface Window {
    crm?: { created: { type: string; id: string; purposes: string[]; hasEnv: boolean }[]; inits: unknown[]; batches: CrmBatch[] };
    makeCrm?(type: string): unknown;
  }
}

const WARNING = /"my-crm" is not a built-in type.*wait.* for acquaint\.register/;

async function open(page: Page, early: boolean): Promise<void> {
  await page.goto(`${collector.app.url}/vendor-register.html${early ? '?early' : ''}`);
  await page.evaluate(() => window.acquaint!.ready());
}

/** What the custom adapter was sent, one event after the other. */
const crmEvents = (page: Page): Promise<ReceivedEvent[]> => page.evaluate(() => window.crm!.batches.flatMap((b) => b.events));
async function waitForCrm(page: Page, n: number): Promise<ReceivedEvent[]> {
  await expect
    .poll(async () => (await crmEvents(page)).length, { message: `waiting for ${n} event(s) at the custom adapter`, timeout: 10_000 })
    .toBeGreaterThanOrEqual(n);
  return crmEvents(page);
}
const label = (e: ReceivedEvent): string => (e.type === 'track' ? String(e.event) : e.type);

test.describe('acquaint.register', () => {
  test('a type registered before the config loads gets every event in order, with no warning', async ({ page }) => {
    const { app } = collector;
    const log = watchPage(page);
    await open(page, true);
    await page.evaluate(async () => {
      window.acquaint!.track('first', { n: 1 });
      window.acquaint!.track('second', { n: 2 });
      await window.acquaint!.flush();
    });
    const got = await waitForCrm(page, 4);
    expect(got.map(label)).toEqual(['page', 'before_acquaint', 'first', 'second']);
    const wire = await waitForEvents(app, 4, 'collector');
    // The same events as the http destination's, not copies.
    expect(got.map((e) => e.messageId)).toEqual(wire.map((e) => e.messageId));
    expect(got[2]!.properties).toEqual({ n: 1 });
    expect(await page.evaluate(() => ({ created: window.crm!.created, inits: window.crm!.inits }))).toEqual({
      created: [{ type: 'my-crm', id: 'crm', purposes: ['analytics'], hasEnv: true }],
      inits: [{ account: 'A-1' }],
    });
    expect(
      await page.evaluate(() => window.reports!.filter((r) => r.type === 'delivered' && r.destination === 'crm').length),
    ).toBeGreaterThan(0);
    expect(log.warnings.filter((w) => WARNING.test(w))).toEqual([]);
    expect(log.errors).toEqual([]);
  });

  test('a type registered after the config loaded: a warning meanwhile, then the events queued before it, in order', async ({ page }) => {
    const { app } = collector;
    const log = watchPage(page);
    await open(page, false);
    await expect.poll(() => log.warnings.filter((w) => WARNING.test(w)).length, { message: 'the "not a built-in type" warning' }).toBe(1);

    // The http destination sends on its own after flushIntervalMs.
    await page.evaluate(() => {
      window.acquaint!.track('while_unregistered_1');
      window.acquaint!.track('while_unregistered_2');
    });
    expect((await waitForEvents(app, 4, 'collector')).map(label)).toEqual([
      'page',
      'before_acquaint',
      'while_unregistered_1',
      'while_unregistered_2',
    ]);
    expect(await page.evaluate(() => window.crm)).toEqual({ created: [], inits: [], batches: [] });
    // Waiting is no failure: nothing dropped, no error.
    expect(await page.evaluate(() => window.reports!.filter((r) => r.type !== 'delivered'))).toEqual([]);

    await page.evaluate(async () => {
      window.acquaint!.register(window.makeCrm!('my-crm') as never);
      window.acquaint!.track('after_register');
      await window.acquaint!.flush();
    });
    const got = await waitForCrm(page, 5);
    expect(got.map(label)).toEqual(['page', 'before_acquaint', 'while_unregistered_1', 'while_unregistered_2', 'after_register']);
    const wire = await waitForEvents(app, 5, 'collector');
    expect(got.map((e) => e.messageId)).toEqual(wire.map((e) => e.messageId));
    expect(await page.evaluate(() => window.crm!.inits)).toEqual([{ account: 'A-1' }]);
    expect(log.errors).toEqual([]);
  });

  // While a type is missing its queue waits without trying, so flush() settles for the others.
  test('flush() resolves while a destination still waits for its type to be registered', async ({ page }) => {
    const { app } = collector;
    await open(page, false);
    const outcome = await page.evaluate(() => {
      window.acquaint!.track('queued');
      return Promise.race([
        window.acquaint!.flush().then(() => 'flushed'),
        new Promise((resolve) => setTimeout(() => resolve('flush() still pending after 5 s'), 5000)),
      ]);
    });
    expect(outcome).toBe('flushed');
    expect((await waitForEvents(app, 3, 'collector')).map(label)).toEqual(['page', 'before_acquaint', 'queued']);
  });

  test('an invalid or duplicate type is refused with a console error and on("error") invalid_adapter; the registered one keeps working', async ({
    page,
  }) => {
    const log = watchPage(page);
    await open(page, true);
    await page.evaluate(() => {
      const register = window.acquaint!.register as (type: unknown) => void;
      register({});
      register({ type: 'Not A Name', create() {} });
      register({ type: 'other-crm' }); // no create
      register(window.makeCrm!('my-crm')); // already registered
      register({ type: 'http', create() {} }); // built in
    });
    const invalid = await page.evaluate(() => window.reports!.filter((r) => r.type === 'error'));
    expect(invalid.map((r) => r.code)).toEqual(Array(5).fill('invalid_adapter'));
    expect(invalid[3]!.message).toContain('"my-crm" is already registered');
    expect(invalid[4]!.message).toContain('"http" is already registered');
    expect(log.errors).toHaveLength(5);
    for (const error of log.errors) expect(error).toMatch(/^acquaint: register\(adapterType\)/);

    await page.evaluate(() => window.acquaint!.track('still_fine'));
    await waitForReport(page, { type: 'delivered', destination: 'crm' });
    const got = await waitForCrm(page, 3);
    expect(got.map(label)).toEqual(['page', 'before_acquaint', 'still_fine']);
    expect(await page.evaluate(() => window.crm!.created)).toHaveLength(1);
  });
});
