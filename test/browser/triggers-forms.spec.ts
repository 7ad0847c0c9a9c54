import { expect, test, type Page } from '@playwright/test';
import { names, useCollector, type ReceivedEvent } from './helpers';
import { serveConfig } from './vendor-helpers';

// Submit triggers and form tagging (contract §7) in a real page, against fixtures/triggers-form.html:
// a submit pushes `{ event, ...properties }` and the event reaches the collector. Field values
// come only through `form.field.<name>`, never from password, hidden or card fields.
const collector = useCollector();

declare global {
  interface Window {
    __triggersLoaded?: boolean;
  }
}

const SIGN_UP = {
  type: 'submit',
  selector: 'form#newsletter',
  event: 'sign_up',
  properties: {
    email: '{{form.field.email}}',
    plan: '{{form.field.plan}}',
    pw: '{{form.field.password}}',
    secret: '{{form.field.token}}',
    card: '{{form.field.cc}}',
    id: '{{form.id}}',
    optin: '{{form.field.optin}}',
  },
};

interface Options {
  /** The http destination's `redact` (default: its own default, on). */
  redact?: boolean;
  flushIntervalMs?: number;
}

function configWith(tags: Record<string, unknown>, { redact, flushIntervalMs = 50 }: Options = {}) {
  return {
    version: 1,
    consent: { defaults: { analytics: 'granted' } },
    delivery: { flushIntervalMs },
    destinations: [{ id: 'collector', type: 'http', purposes: ['analytics'], settings: { url: '/v1/batch' }, ...(redact === undefined ? {} : { redact }) }],
    ...tags,
  };
}

/** Opens fixtures/triggers-form.html with `tags` in its config, and waits until the triggers are armed. */
async function open(page: Page, tags: Record<string, unknown>, options: Options = {}): Promise<void> {
  const { app } = collector;
  // acquaint-triggers.js fires its load event after it started the triggers.
  await page.addInitScript(() => {
    document.addEventListener(
      'load',
      (event) => {
        const src = (event.target as HTMLScriptElement | null)?.src;
        if (typeof src === 'string' && new URL(src).pathname === '/acquaint-triggers.js') window.__triggersLoaded = true;
      },
      true,
    );
  });
  const path = await serveConfig(page, app, configWith(tags, options), 'forms');
  await page.goto(`${app.url}/triggers-form.html?config=${encodeURIComponent(path)}`);
  await page.waitForFunction(() => window.acquaint !== undefined);
  await page.evaluate(() => window.acquaint!.ready());
  await page.waitForFunction(() => window.__triggersLoaded === true);
}

/** The page's own submit handler on `selector`: prevents the submit (the page stays), and with `stop` stops it too. */
async function pageHandler(page: Page, selector: string, { prevent = true, stop = false } = {}): Promise<void> {
  await page.evaluate(
    ({ selector, prevent, stop }) => {
      document.querySelector(selector)!.addEventListener('submit', (event) => {
        if (prevent) event.preventDefault();
        if (stop) event.stopPropagation();
      });
    },
    { selector, prevent, stop },
  );
}

/** Tracks `marker` one timer turn later (after anything a submit scheduled) and flushes. */
async function marker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    window.acquaint!.track('marker');
    await window.acquaint!.flush();
  });
}

/** Waits for the marker and returns every event up to it. */
async function untilMarker(): Promise<ReceivedEvent[]> {
  const { app } = collector;
  await expect.poll(() => names(app.events).includes('marker'), { message: 'waiting for the marker at the collector', timeout: 10_000 }).toBe(true);
  return app.events;
}

const named = (events: readonly ReceivedEvent[], event: string): ReceivedEvent[] => events.filter((e) => e.event === event);

/** Waits until an event named `event` reached the collector, and returns it. */
async function waitForNamed(event: string): Promise<ReceivedEvent> {
  const { app } = collector;
  await expect.poll(() => named(app.events, event).length, { message: `waiting for ${event} at the collector`, timeout: 10_000 }).toBeGreaterThan(0);
  return named(app.events, event)[0]!;
}

test.describe('submit triggers', () => {
  test('a submit carries the email, select and checkbox values and the form id, and never a password, hidden or card field', async ({ page }) => {
    await open(page, { triggers: [SIGN_UP] }, { redact: false });
    await pageHandler(page, '#newsletter');
    await page.locator('#subscribe').click();
    await marker(page);

    const events = await untilMarker();
    expect(names(events)).toEqual(['page', 'sign_up', 'marker']);
    // Exactly these keys: no pw, secret or card at all, not even empty.
    expect(named(events, 'sign_up')[0]!.properties).toEqual({ email: 'ann@example.com', plan: 'pro', id: 'newsletter', optin: true });
    // The page's handler kept it here.
    expect(new URL(page.url()).pathname).toBe('/triggers-form.html');
  });

  test('the http destination redacts the email by default', async ({ page }) => {
    await open(page, { triggers: [SIGN_UP] });
    await pageHandler(page, '#newsletter');
    await page.locator('#subscribe').click();
    const event = await waitForNamed('sign_up');
    expect(event.properties).toEqual({ email: '[email]', plan: 'pro', id: 'newsletter', optin: true });
  });

  test('pressing Enter in a field and form.requestSubmit() each count as a submit, with the values at that moment', async ({ page }) => {
    await open(page, { triggers: [SIGN_UP] }, { redact: false });
    await pageHandler(page, '#newsletter');
    await page.locator('#email').fill('bob@example.org');
    await page.locator('#email').press('Enter');
    await page.locator('input[name="optin"]').uncheck();
    await page.locator('select[name="plan"]').selectOption('free');
    await page.evaluate(() => (document.querySelector('#newsletter') as HTMLFormElement).requestSubmit());
    await marker(page);

    const events = await untilMarker();
    expect(names(events)).toEqual(['page', 'sign_up', 'sign_up', 'marker']);
    expect(named(events, 'sign_up').map((e) => e.properties)).toEqual([
      { email: 'bob@example.org', plan: 'pro', id: 'newsletter', optin: true },
      { email: 'bob@example.org', plan: 'free', id: 'newsletter', optin: false },
    ]);
  });

  test('checkValidation: true does not fire when the page prevented the submit, stopped or not', async ({ page }) => {
    await open(page, {
      triggers: [
        { type: 'submit', selector: 'form#newsletter', checkValidation: true, event: 'sign_up' },
        // The same submit, unchecked: proves each one was seen.
        { type: 'submit', selector: 'form#newsletter', event: 'sign_up_attempt' },
      ],
    });
    await pageHandler(page, '#newsletter', { prevent: true });
    await page.locator('#subscribe').click();
    await marker(page);
    expect(names(await untilMarker())).toEqual(['page', 'sign_up_attempt', 'marker']);

    // A handler that also stops propagation: the window never sees the submit end.
    await page.reload();
    await page.evaluate(() => window.acquaint!.ready());
    await page.waitForFunction(() => window.__triggersLoaded === true);
    await pageHandler(page, '#newsletter', { prevent: true, stop: true });
    await page.locator('#subscribe').click();
    await marker(page);
    await expect.poll(() => names(collector.app.events)).toEqual(['page', 'sign_up_attempt', 'marker', 'page', 'sign_up_attempt', 'marker']);
    expect(new URL(page.url()).pathname).toBe('/triggers-form.html');
  });

  test('checkValidation: true fires for a submit the page lets through, and the event survives the navigation it causes', async ({ page }) => {
    // A flush interval of a minute: only the page leaving can send the event before the test ends.
    await open(page, { triggers: [{ ...SIGN_UP, checkValidation: true }] }, { redact: false, flushIntervalMs: 60_000 });
    await page.locator('#subscribe').click();
    await page.waitForURL((url) => url.pathname === '/blank.html');
    await expect(page).toHaveTitle('Blank fixture');

    const event = await waitForNamed('sign_up');
    expect(event.properties).toEqual({ email: 'ann@example.com', plan: 'pro', id: 'newsletter', optin: true });
    expect(new URL(event.context.page.url).pathname).toBe('/triggers-form.html');
  });

  test("checkValidation: true fires for a submit whose propagation the page's handler stopped, before the navigation", async ({ page }) => {
    await open(page, { triggers: [{ type: 'submit', selector: 'form#newsletter', checkValidation: true, event: 'sign_up' }] }, { flushIntervalMs: 60_000 });
    await pageHandler(page, '#newsletter', { prevent: false, stop: true });
    await page.locator('#subscribe').click();
    await page.waitForURL((url) => url.pathname === '/blank.html');
    await waitForNamed('sign_up');
    expect(names(collector.app.events)).toEqual(['page', 'sign_up']);
  });
});

test.describe('form tagging', () => {
  test('tagging: true on a form pushes its data-acquaint-event once on submit, with its other attributes', async ({ page }) => {
    await open(page, { tagging: true });
    await pageHandler(page, '#contact');
    // A click on the form's submit button is the submit, not a second tagged click.
    await page.locator('#send span').click();
    await marker(page);

    const events = await untilMarker();
    expect(names(events)).toEqual(['page', 'contact', 'marker']);
    expect(named(events, 'contact')[0]!.properties).toEqual({ topic: 'sales' });
  });
});
