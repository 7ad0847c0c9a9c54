import { expect, test, type Page } from '@playwright/test';
import { names, useCollector } from './helpers';
import { acquaintReady, marker, named, openTriggers, untilMarker, waitForNamed, type TriggerConfigOptions } from './triggers-helpers';

// Submit triggers and form tagging (contract §7) in a real page, against fixtures/triggers-form.html:
// a submit pushes `{ event, ...properties }` and the event reaches the collector. Field values
// come only through `form.field.<name>`, never from password, hidden or card fields.
const collector = useCollector();

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

/** Opens fixtures/triggers-form.html with `tags` in its config, and waits until the triggers are armed. */
const open = (page: Page, tags: Record<string, unknown>, options: TriggerConfigOptions = {}): Promise<void> =>
  openTriggers(page, collector.app, '/triggers-form.html', tags, options);

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

test.describe('submit triggers', () => {
  test('a submit carries the email, select and checkbox values and the form id, and never a password, hidden or card field', async ({
    page,
  }) => {
    await open(page, { triggers: [SIGN_UP] }, { redact: false });
    await pageHandler(page, '#newsletter');
    await page.locator('#subscribe').click();
    await marker(page);

    const events = await untilMarker(collector.app);
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
    const [event] = await waitForNamed(collector.app, 'sign_up');
    expect(event.properties).toEqual({ email: '[email]', plan: 'pro', id: 'newsletter', optin: true });
  });

  test('pressing Enter in a field and form.requestSubmit() each count as a submit, with the values at that moment', async ({ page }) => {
    await open(page, { triggers: [SIGN_UP] }, { redact: false });
    await pageHandler(page, '#newsletter');
    // Set, not fill(): under Playwright's BiDi Firefox, fill() cannot select the text of a
    // type=email field and appends to it, which leaves the form invalid and unsubmittable.
    await page.locator('#email').evaluate((field: HTMLInputElement) => void (field.value = 'bob@example.org'));
    await page.locator('#email').press('Enter');
    await page.locator('input[name="optin"]').uncheck();
    await page.locator('select[name="plan"]').selectOption('free');
    await page.evaluate(() => (document.querySelector('#newsletter') as HTMLFormElement).requestSubmit());
    await marker(page);

    const events = await untilMarker(collector.app);
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
    expect(names(await untilMarker(collector.app))).toEqual(['page', 'sign_up_attempt', 'marker']);

    // A handler that also stops propagation: the window never sees the submit end.
    await page.reload();
    await acquaintReady(page);
    await pageHandler(page, '#newsletter', { prevent: true, stop: true });
    await page.locator('#subscribe').click();
    await marker(page);
    await expect
      .poll(() => names(collector.app.events))
      .toEqual(['page', 'sign_up_attempt', 'marker', 'page', 'sign_up_attempt', 'marker']);
    expect(new URL(page.url()).pathname).toBe('/triggers-form.html');
  });

  test('checkValidation: true fires for a submit the page lets through, and the event survives the navigation it causes', async ({
    page,
  }) => {
    // A flush interval of a minute: only the page leaving can send the event before the test ends.
    await open(page, { triggers: [{ ...SIGN_UP, checkValidation: true }] }, { redact: false, flushIntervalMs: 60_000 });
    await page.locator('#subscribe').click();
    await page.waitForURL((url) => url.pathname === '/blank.html');
    await expect(page).toHaveTitle('Blank fixture');

    const [event] = await waitForNamed(collector.app, 'sign_up');
    expect(event.properties).toEqual({ email: 'ann@example.com', plan: 'pro', id: 'newsletter', optin: true });
    expect(new URL(event.context.page.url).pathname).toBe('/triggers-form.html');
  });

  test("checkValidation: true fires for a submit whose propagation the page's handler stopped, before the navigation", async ({ page }) => {
    await open(
      page,
      { triggers: [{ type: 'submit', selector: 'form#newsletter', checkValidation: true, event: 'sign_up' }] },
      { flushIntervalMs: 60_000 },
    );
    await pageHandler(page, '#newsletter', { prevent: false, stop: true });
    await page.locator('#subscribe').click();
    await page.waitForURL((url) => url.pathname === '/blank.html');
    await waitForNamed(collector.app, 'sign_up');
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

    const events = await untilMarker(collector.app);
    expect(names(events)).toEqual(['page', 'contact', 'marker']);
    expect(named(events, 'contact')[0]!.properties).toEqual({ topic: 'sales' });
  });
});
