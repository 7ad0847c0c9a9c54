import { expect, test, type Page } from '@playwright/test';
import { http, useCollector, waitForEvents, type ReceivedEvent } from './helpers';
import { openVendorPage, routeVendors, serveConfig, sha256, strings, vendorPage, waitForCall } from './vendor-helpers';

// Destination rules that protect what leaves: `redact` (on by default: emails, also %40-encoded,
// phone and card numbers in properties, traits and the page context) with its exemptions, and
// `hash` (SHA-256 of the normalised value). Checked on the wire and on a vendor tag.
const collector = useCollector();

async function open(page: Page, destinations: unknown[], query: Record<string, string> = {}): Promise<string> {
  const { app } = collector;
  await routeVendors(page, app);
  const config = { version: 1, consent: { defaults: { analytics: 'granted' } }, delivery: { flushIntervalMs: 50 }, destinations };
  const url = await vendorPage(page, app, await serveConfig(page, app, config, 'rules-privacy'), { query });
  await openVendorPage(page, url);
  return url;
}

const LEAD = {
  contact: 'ada@example.com',
  phone: '+44 20 7946 0958',
  note: 'call 020 7946 0958 or write to ada@example.com',
  card: '4111 1111 1111 1111',
  // Not personal data: a plain id, a date, a number.
  order_id: '123456789012',
  date: '2024-05-01',
  amount: 1234567890,
};
const REDACTED = { ...LEAD, contact: '[email]', phone: '[phone]', note: 'call [phone] or write to [email]', card: '[card]' };

const byType = (events: ReceivedEvent[], name: string) => events.find((e) => (e.type === 'track' ? e.event === name : e.type === name))!;

test.describe('destination rules: redact and hash', () => {
  test('redaction by default in properties, traits and the page URL; redact:{allow}, an exact fields path and redact:false exempt', async ({
    page,
  }) => {
    const { app } = collector;
    const url = await open(
      page,
      [
        http('default'),
        http('allow', { redact: { allow: ['properties.contact', 'context.page.url'] } }),
        http('fielded', { fields: ['properties.contact', 'properties.*', 'context.page.*'] }),
        http('raw', { redact: false }),
        { id: 'ga4', type: 'ga4', purposes: ['analytics'], settings: { measurementId: 'G-TEST123' } },
      ],
      { email: 'ada@example.com' },
    );
    expect(url).toContain('email=ada%40example.com');
    await page.evaluate(async (lead) => {
      window.acquaint!.track('lead', lead);
      window.acquaint!.identify('u-1', { email: 'ada@example.com', phone: '+1 555 123 4567', plan: 'pro' });
      await window.acquaint!.flush();
    }, LEAD);

    const redactedUrl = (e: ReceivedEvent) => e.context.page.url;
    // Default: every detector, everywhere; the rest of the URL as it was.
    const plain = await waitForEvents(app, 3, 'default');
    expect(byType(plain, 'lead').properties).toEqual(REDACTED);
    expect(byType(plain, 'identify').traits).toEqual({ email: '[email]', phone: '[phone]', plan: 'pro' });
    for (const event of plain) {
      expect(redactedUrl(event)).not.toMatch(/ada|%40|example\.com/);
      expect(decodeURI(redactedUrl(event))).toBe(decodeURIComponent(url).replace('ada@example.com', '[email]'));
    }
    const pageView = byType(plain, 'page');
    expect(pageView.properties.url).toBe(pageView.context.page.url);
    for (const text of strings(plain)) expect(text).not.toMatch(/ada@|ada%40|7946|4111/);

    // allow: the named paths as they are, the rest still redacted.
    const allowed = await waitForEvents(app, 3, 'allow');
    expect(byType(allowed, 'lead').properties).toEqual({ ...REDACTED, contact: 'ada@example.com' });
    expect(byType(allowed, 'lead').context.page.url).toBe(url);
    expect(byType(allowed, 'page').properties.url).not.toContain('ada');
    expect(byType(allowed, 'identify').traits).toEqual({ email: '[email]', phone: '[phone]', plan: 'pro' });

    // fields: a path named exactly is exempt, one matched by a wildcard is not.
    const fielded = await waitForEvents(app, 3, 'fielded');
    expect(byType(fielded, 'lead').properties).toEqual({ ...REDACTED, contact: 'ada@example.com' });
    expect(byType(fielded, 'lead').context.page.url).not.toContain('ada');

    // redact: false sends what the page gave.
    const raw = await waitForEvents(app, 3, 'raw');
    expect(byType(raw, 'lead').properties).toEqual(LEAD);
    expect(byType(raw, 'lead').context.page.url).toBe(url);
    expect(byType(raw, 'identify').traits).toEqual({ email: 'ada@example.com', phone: '+1 555 123 4567', plan: 'pro' });

    // A vendor tag is redacted by default too: page_location and the event's parameters.
    const pageViewCall = await waitForCall(page, 'gtag', (args) => args[1] === 'page_view', 'page_view');
    expect((pageViewCall[2] as { page_location: string }).page_location).not.toMatch(/ada|%40/);
    const leadCall = await waitForCall(page, 'gtag', (args) => args[1] === 'lead', 'lead');
    expect(leadCall[2]).toEqual({ ...REDACTED, send_to: 'G-TEST123' });
  });

  test('hash: the named paths leave as SHA-256 of the trimmed, lowercased value, phones as their digits', async ({ page }) => {
    const { app } = collector;
    await open(page, [http('plain'), http('hashed', { hash: ['traits.email', 'traits.phone', 'properties.phone', 'properties.missing'] })]);
    await page.evaluate(async () => {
      window.acquaint!.identify('u-1', { email: '  Ada@Example.COM ', phone: '+1 (555) 123-4567', plan: 'pro' });
      window.acquaint!.track('callback', { phone: '+44 20 7946 0958', slot: 'am' });
      await window.acquaint!.flush();
    });
    const hashed = await waitForEvents(app, 3, 'hashed');
    expect(byType(hashed, 'identify').traits).toEqual({ email: sha256('ada@example.com'), phone: sha256('15551234567'), plan: 'pro' });
    expect(byType(hashed, 'callback').properties).toEqual({ phone: sha256('442079460958'), slot: 'am' });
    expect(byType(hashed, 'identify').userId).toBe('u-1');

    // Another destination without `hash` gets the default redaction, not hashes.
    const plain = await waitForEvents(app, 3, 'plain');
    expect(byType(plain, 'identify').traits).toEqual({ email: '  [email] ', phone: '[phone]', plan: 'pro' });
    expect(byType(plain, 'callback').properties).toEqual({ phone: '[phone]', slot: 'am' });
  });
});
