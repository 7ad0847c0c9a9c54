import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCaps, type CapCounts } from '../../../src/rules/caps';
import { pickFields } from '../../../src/rules/fields';
import { hashFields } from '../../../src/rules/hash-fields';
import { normaliseForHash } from '../../../src/lib/normalise';
import { wildcard } from '../../../src/rules/match';
import { redactEvent, redactText } from '../../../src/rules/redact';
import { createRules, type RuleResult, type RulesConfig } from '../../../src/rules/rules';
import type { AcquaintEvent } from '../../../src/events/event';
import { testEvent } from '../event';

const sha256 = (text: string) => Promise.resolve(createHash('sha256').update(text).digest('hex'));

const event = testEvent;

function memoryCaps(stored?: CapCounts) {
  const writes: CapCounts[] = [];
  let now = Date.parse('2026-11-23T10:00:00');
  const caps = createCaps({ read: () => stored, write: (counts) => void writes.push(structuredClone(counts)) }, () => now);
  return { caps, writes, setNow: (value: number) => void (now = value) };
}

const sent = (result: RuleResult | Promise<RuleResult>) => result as { event: AcquaintEvent; redacted: number; hashed: number };

describe('wildcard', () => {
  it('matches * as any run of characters and the rest literally', () => {
    const match = wildcard(['add_to_*', 'page', '/health/*']);
    expect(['add_to_cart', 'add_to_', 'page', '/health/x/y'].map(match)).toEqual([true, true, true, true]);
    expect(['add_to', 'pages', 'xpage', '/healthy', 'a.b'].map(match)).toEqual([false, false, false, false, false]);
    expect(wildcard(['a.b'])('axb')).toBe(false); // a dot is a dot, not "any character"
  });
});

describe('pickFields', () => {
  it('keeps only the allowed paths, whole subtrees for a parent, and the envelope', () => {
    const out = pickFields(event({ traits: { email: 'a@b.c', plan: 'pro' } }), [
      'properties.value',
      'properties.items.id',
      'traits.plan',
      'context.page.url',
    ]);
    expect(out.properties).toEqual({ value: 10, items: [{ id: 'A' }] });
    expect(out.traits).toEqual({ plan: 'pro' });
    expect(out.context).toEqual({
      page: { url: 'https://shop.example/cart' },
      consent: { analytics: 'granted' },
      library: { name: 'acquaint', version: '0.1.0' },
    });
    expect([out.type, out.event, out.messageId, out.anonymousId]).toEqual(['track', 'purchase', 'm-1', 'anon-1']);
  });

  it('treats * as one key', () => {
    expect(pickFields(event(), ['properties.*']).properties).toEqual(event().properties);
    expect(pickFields(event(), ['context.*.path']).context.page).toEqual({ path: '/cart' });
  });

  it('keeps the campaign and click ids only for a destination that lists them', () => {
    const landed = event();
    Object.assign(landed.context, { campaign: { source: 'news', term: 'x' }, clickIds: { fbclid: 'F', gclid: 'G' } });
    expect(pickFields(landed, ['properties.value']).context).toEqual({
      consent: { analytics: 'granted' },
      library: { name: 'acquaint', version: '0.1.0' },
    });
    const listed = pickFields(landed, ['context.campaign', 'context.clickIds.fbclid']).context;
    expect([listed.campaign, listed.clickIds]).toEqual([{ source: 'news', term: 'x' }, { fbclid: 'F' }]);
  });

  it('strips everything when nothing of a root is allowed, and leaves the original alone', () => {
    const original = event();
    expect(pickFields(original, ['traits.email']).properties).toEqual({});
    expect(original.properties.value).toBe(10);
  });
});

describe('redaction', () => {
  it.each([
    ['write to ada.l+shop@example.co.uk today', 'write to [email] today'],
    ['/search?q=ada%40example.com', '/search?q=[email]'],
    ['call +44 20 7946 0958', 'call [phone]'],
    ['call (555) 123-4567', 'call [phone]'],
    ['card 4111 1111 1111 1111 ok', 'card [card] ok'],
    ['card 4111-1111-1111-1111', 'card [card]'],
  ])('strips %j', (input, expected) => {
    expect(redactText(decodeURIComponent(input))).toBe(decodeURIComponent(expected));
  });

  it.each([
    'order 2026-11-23',
    'id 446655440000',
    'sku 4111 1111 1111 1112',
    'v1.2.3',
    'at 19:34:46',
    'uuid 550e8400-e29b-41d4-a716-446655440000',
    'price 1,234.56',
  ])('leaves %j alone', (input) => expect(redactText(input)).toBe(input));

  it('redacts properties, traits and the page URL, keeps allowed paths, copies only what changed', () => {
    const original = event(
      {
        properties: { contact: 'ada@example.com', kept: 'ada@example.com', nested: { phone: '+1 555 010 0999' }, clean: { a: 'b' } },
        traits: { email: 'ada@example.com' },
      },
      { url: 'https://shop.example/thanks?email=ada%40example.com' },
    );
    const { event: out, count } = redactEvent(original, new Set(['properties.kept']));
    expect(count).toBe(4);
    expect(out.properties).toEqual({ contact: '[email]', kept: 'ada@example.com', nested: { phone: '[phone]' }, clean: { a: 'b' } });
    expect(out.properties.clean).toBe(original.properties.clean);
    expect(out.traits).toEqual({ email: '[email]' });
    expect(out.context.page.url).toBe('https://shop.example/thanks?email=%5Bemail%5D');
    expect(original.properties.contact).toBe('ada@example.com');
  });

  it('redacts the campaign like the page, unless allowed, and leaves click ids alone', () => {
    const original = event();
    Object.assign(original.context, { campaign: { source: 'news', term: 'ada@example.com' }, clickIds: { gclid: '4111 1111 1111 1111' } });
    const { event: out, count } = redactEvent(original, undefined);
    expect(count).toBe(1);
    expect([out.context.campaign, out.context.clickIds]).toEqual([{ source: 'news', term: '[email]' }, { gclid: '4111 1111 1111 1111' }]);
    expect(original.context.campaign!.term).toBe('ada@example.com');
    expect(redactEvent(original, new Set(['context.campaign.term'])).count).toBe(0);
  });

  it('returns the same event when there is nothing to redact', () => {
    const clean = event();
    expect(redactEvent(clean, new Set()).event).toBe(clean);
  });
});

describe('hashFields', () => {
  it('hashes the normalised value at each path and leaves the rest', async () => {
    const { event: out, count } = await hashFields(
      event({ traits: { email: '  Ada@Example.COM ' }, properties: { phone: '+44 (20) 7946-0958', value: 3 } }),
      ['traits.email', 'properties.phone', 'properties.missing'],
      sha256,
    );
    expect(count).toBe(2);
    expect(out.traits!.email).toBe(await sha256('ada@example.com'));
    expect(out.properties).toEqual({ phone: await sha256('442079460958'), value: 3 });
    expect(normaliseForHash(' +1 (555) 010-0999 ')).toBe('15550100999');
  });

  it('never hashes twice, and leaves a field out rather than send it in the clear without SubtleCrypto', async () => {
    const hashed = await sha256('x');
    expect((await hashFields(event({ traits: { email: hashed } }), ['traits.email'], sha256)).event.traits!.email).toBe(hashed);
    expect((await hashFields(event({ traits: { email: 'a@b.c', plan: 'pro' } }), ['traits.email'], undefined)).event.traits).toEqual({
      plan: 'pro',
    });
  });
});

describe('caps', () => {
  it('lets max events through per session, then refuses, and starts again in a new session', () => {
    const { caps } = memoryCaps();
    const check = caps.forDestination('meta', [{ event: 'add_to_*', max: 2, per: 'session' }]);
    expect([check('add_to_cart', 's-1'), check('add_to_wishlist', 's-1'), check('add_to_cart', 's-1'), check('page', 's-1')]).toEqual([
      true,
      true,
      false,
      true,
    ]);
    expect(check('add_to_cart', 's-2')).toBe(true);
  });

  it('counts per local day and per visitor', () => {
    const { caps, setNow } = memoryCaps();
    const daily = caps.forDestination('ga4', [{ event: 'promo', max: 1, per: 'day' }]);
    const ever = caps.forDestination('ga4', [{ event: 'welcome', max: 1, per: 'visitor' }]);
    expect([daily('promo', 's'), daily('promo', 's'), ever('welcome', 's')]).toEqual([true, false, true]);
    setNow(Date.parse('2026-11-24T10:00:00'));
    expect([daily('promo', 's'), ever('welcome', 's')]).toEqual([true, false]);
  });

  it('adds what earlier pages counted (from storage) and writes the counts back', () => {
    const { caps, writes } = memoryCaps({
      'meta|add_to_cart|session': { window: 's-1', count: 1 },
      junk: { window: 3 },
    } as unknown as CapCounts);
    const check = caps.forDestination('meta', [{ event: 'add_to_cart', max: 2, per: 'session' }]);
    expect([check('add_to_cart', 's-1'), check('add_to_cart', 's-1')]).toEqual([true, false]);
    expect(writes.at(-1)).toEqual({ 'meta|add_to_cart|session': { window: 's-1', count: 2 } });
  });

  it('keeps destinations apart and forgets on clear', () => {
    const { caps } = memoryCaps();
    const a = caps.forDestination('a', [{ event: 'x', max: 1, per: 'visitor' }]);
    const b = caps.forDestination('b', [{ event: 'x', max: 1, per: 'visitor' }]);
    expect([a('x', 's'), b('x', 's'), a('x', 's')]).toEqual([true, true, false]);
    caps.clear();
    expect(a('x', 's')).toBe(true);
  });
});

describe('createRules', () => {
  const rules = (config: RulesConfig) => createRules('dest', config, memoryCaps().caps, sha256);

  it('filters by include and exclude patterns, on the track name or the type', () => {
    const r = rules({ events: { include: ['page', 'add_*'], exclude: ['add_debug'] } });
    expect(r.apply(event({ event: 'add_to_cart' }))).toHaveProperty('event');
    expect(r.apply(event({ type: 'page', event: undefined }))).toHaveProperty('event');
    expect(r.apply(event({ event: 'add_debug' }))).toEqual({ skip: 'filtered' });
    expect(r.apply(event({ event: 'purchase' }))).toEqual({ skip: 'filtered' });
    expect(rules({ events: ['purchase'] }).apply(event())).toHaveProperty('event');
  });

  it('blocks by the path or URL of the page the event happened on', () => {
    const r = rules({ block: ['/health/*', 'https://shop.example/private*'] });
    expect(r.apply(event({}, { path: '/health/clinic', url: 'https://shop.example/health/clinic' }))).toEqual({ skip: 'blocked' });
    expect(r.blocks({ path: '/privately', url: 'https://shop.example/privately#x' })).toBe(true);
    expect(r.blocks({ path: '/cart', url: 'https://shop.example/cart' })).toBe(false);
  });

  it('caps, then minimises, hashes and redacts in that order', async () => {
    const r = rules({
      fields: ['properties.email', 'properties.note', 'traits'],
      hash: ['properties.email'],
      caps: [{ event: 'purchase', max: 1, per: 'session' }],
    });
    const result = await r.apply(event({ properties: { email: 'Ada@example.com', note: 'mail ada@example.com', value: 1 } }));
    expect(sent(result).event.properties).toEqual({ email: await sha256('ada@example.com'), note: 'mail ada@example.com' });
    expect([sent(result).hashed, sent(result).redacted]).toEqual([1, 0]); // properties.note is named outright
    expect(r.apply(event())).toEqual({ skip: 'capped' });
  });

  it('cleans and counts a page context shared by a burst on every event', () => {
    const rules = createRules('c', {}, memoryCaps().caps, sha256);
    const page = { url: 'https://shop.example/?email=a%40b.example', path: '/', referrer: '', title: 'Shop' };
    const shared = (n: number) => event({ messageId: `m-${n}` }, page);
    const first = sent(rules.apply({ ...shared(1), context: { ...shared(1).context, page } }));
    const second = sent(rules.apply({ ...shared(2), context: { ...shared(2).context, page } }));
    expect(first.event.context.page.url).toBe('https://shop.example/?email=%5Bemail%5D');
    expect(second.event.context.page).toEqual(first.event.context.page);
    expect([first.redacted, second.redacted]).toEqual([1, 1]);
    const clean = sent(rules.apply(event({}, { url: 'https://shop.example/' })));
    expect(clean.event.context.page.url).toBe('https://shop.example/');
    expect(clean.redacted).toBe(0);
  });

  it('redacts by default, not with redact: false, and lets redact.allow through', () => {
    const pii = event({ properties: { contact: 'ada@example.com' } });
    expect(sent(rules({}).apply(pii)).event.properties.contact).toBe('[email]');
    expect(sent(rules({ redact: false }).apply(pii)).event.properties.contact).toBe('ada@example.com');
    expect(sent(rules({ redact: { allow: ['properties.contact'] } }).apply(pii)).event.properties.contact).toBe('ada@example.com');
  });
});

describe('the rules outside the browser', () => {
  it("run in Node with no DOM: a destination's field list, redaction and hashing, with Node's own SHA-256", async () => {
    expect(typeof document).toBe('undefined');
    expect(typeof window).toBe('undefined');
    const digest = async (text: string): Promise<string> =>
      Buffer.from(await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))).toString('hex');
    const rules = createRules(
      'warehouse',
      { fields: ['properties.*', 'traits.email'], hash: ['traits.email'] },
      createCaps({ read: () => undefined, write: () => undefined }, () => 0),
      digest,
    );
    const result = await rules.apply(
      event({ traits: { email: ' Ada@Example.com ', plan: 'pro' }, properties: { value: 10, note: 'call +44 20 7946 0958', coupon: 'X' } }),
    );
    expect(result).toMatchObject({ redacted: 1, hashed: 1 });
    const sent = (result as Extract<RuleResult, { event: unknown }>).event;
    expect(sent.properties).toEqual({ value: 10, note: 'call [phone]', coupon: 'X' });
    expect(sent.traits).toEqual({ email: await digest('ada@example.com') });
  });
});
