import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load';
import { formatIssues } from '../../../src/config/report';

const http = (id: string, url: unknown, purposes = ['analytics']) => ({ id, type: 'http', purposes, settings: { url } });

describe('parseConfig', () => {
  it('accepts the contract example', () => {
    const loaded = parseConfig({
      version: 1,
      consent: { defaults: { analytics: 'denied', marketing: 'denied', personalization: 'denied' }, honorGpc: true },
      identity: { sessionTimeoutMinutes: 30, idTtlDays: 395 },
      destinations: [http('collector', 'https://collect.example.com/v1/batch')],
    });
    expect(loaded.issues).toEqual([]);
    expect(loaded.destinations.map((d) => d.id)).toEqual(['collector']);
    expect(loaded.config.consent?.defaults?.analytics).toBe('denied');
  });

  it('disables only the bad destination and names its field', () => {
    const loaded = parseConfig({
      version: 1,
      destinations: [
        http('bad', 'javascript:alert(1)'),
        http('good', '/v1/batch'),
        { id: 'g', type: 'ga4', purposes: ['analytics'], settings: { measurementId: 'UA-1' } },
      ],
    });
    expect(loaded.destinations.map((d) => d.id)).toEqual(['good']);
    expect(formatIssues(loaded.issues)).toMatchInlineSnapshot(`
      "acquaint: invalid config (2 problems)
      ✖ must be an http(s) URL or a path like /v1/batch → at destinations[0].settings.url
      ✖ must be a GA4 measurement id like "G-ABC123XYZ" → at destinations[2].settings.measurementId"
    `);
  });

  it('accepts a type that is not built in, with a note that it waits for register', () => {
    const loaded = parseConfig({
      version: 1,
      destinations: [{ id: 'crm', type: 'my-crm', purposes: ['analytics'], settings: { anything: 1 } }],
    });
    expect(loaded.issues).toEqual([]);
    expect(loaded.destinations.map((d) => [d.id, d.settings])).toEqual([['crm', { anything: 1 }]]);
    expect(loaded.notes).toMatchInlineSnapshot(`
      [
        {
          "code": "custom_type",
          "message": ""my-crm" is not a built-in type (http, script, ga4, meta-pixel): its events wait for acquaint.register({ type: "my-crm", create })",
          "path": "destinations[0].type",
          "type": "my-crm",
        },
      ]
    `);
  });

  it('checks destination rules and names the field', () => {
    const loaded = parseConfig({
      version: 1,
      destinations: [
        {
          ...http('a', '/x'),
          events: { include: ['purchase'], only: [] },
          fields: ['user.email'],
          caps: [{ event: 'x', max: 0, per: 'week' }],
        },
        {
          ...http('b', '/y'),
          events: ['page', 'add_to_*'],
          fields: ['properties.value', 'context.page.*'],
          redact: { allow: ['traits.email'] },
          hash: ['traits.phone'],
          caps: [{ event: 'add_to_cart', max: 3, per: 'day' }],
          block: ['/health/*'],
        },
      ],
    });
    expect(loaded.destinations.map((d) => d.id)).toEqual(['b']);
    expect(formatIssues(loaded.issues)).toMatchInlineSnapshot(`
      "acquaint: invalid config (4 problems)
      ✖ unknown key "only" → at destinations[0].events
      ✖ must be a dot path under properties, traits or context, like "properties.value" → at destinations[0].fields[0]
      ✖ too small: at least 1 → at destinations[0].caps[0].max
      ✖ expected "session" or "day" or "visitor", got "week" → at destinations[0].caps[0].per"
    `);
  });

  it('names every problem in a destination envelope', () => {
    const loaded = parseConfig({
      version: 1,
      destinations: [
        { id: 'has space', type: 'http', purposes: [], extra: 1 },
        http('a', 42),
        http('a', '/x'),
        http('a', '/y'),
        http('b', '/z', ['astrology']),
      ],
    });
    expect(formatIssues(loaded.issues)).toMatchInlineSnapshot(`
      "acquaint: invalid config (6 problems)
      ✖ must be 1-64 letters, digits, _ or - → at destinations[0].id
      ✖ list at least one purpose ("necessary" for always-on) → at destinations[0].purposes
      ✖ unknown key "extra" → at destinations[0]
      ✖ expected string, got number → at destinations[1].settings.url
      ✖ duplicate destination id "a" → at destinations[3].id
      ✖ unknown purpose "astrology": declare it in consent.defaults → at destinations[4].purposes[0]"
    `);
    expect(loaded.destinations.map((d) => d.id)).toEqual(['a']);
  });

  it('accepts a purpose the config declares', () => {
    const loaded = parseConfig({
      version: 1,
      consent: { defaults: { astrology: 'pending' } },
      destinations: [http('b', '/z', ['astrology'])],
    });
    expect(loaded.issues).toEqual([]);
    expect(loaded.destinations).toHaveLength(1);
  });

  it('falls back section by section and reports each problem', () => {
    const loaded = parseConfig({ version: 1, debug: 'yes', consent: { defaults: { analytics: 'yes' } }, colour: 'blue', destinations: {} });
    expect(loaded.config).toEqual({ version: 1 });
    expect(formatIssues(loaded.issues)).toMatchInlineSnapshot(`
      "acquaint: invalid config (4 problems)
      ✖ expected boolean, got string → at debug
      ✖ expected "granted" or "denied" or "pending", got "yes" → at consent.defaults.analytics
      ✖ unknown key "colour" (ignored) → at colour
      ✖ expected array → at destinations"
    `);
  });

  it.each([
    [null, 'expected a JSON object → at (root)'],
    [[], 'expected a JSON object → at (root)'],
    [{ version: 2 }, 'expected 1, got 2 → at version'],
    [{}, 'missing: expected 1 → at version'],
  ])('rejects %j as a whole', (input, line) => {
    const loaded = parseConfig(input);
    expect(loaded.destinations).toEqual([]);
    expect(formatIssues(loaded.issues)).toContain(line);
  });

  it("names a bad consent source or Consent Mode reading, and keeps the page source over acquaint's banner", () => {
    expect(formatIssues(parseConfig({ version: 1, consent: { source: 'cmp', consentModeDefault: 'pending' } }).issues))
      .toMatchInlineSnapshot(`
      "acquaint: invalid config (2 problems)
      ✖ expected "acquaint" or "page", got "cmp" → at consent.source
      ✖ expected "hold" or "deny", got "pending" → at consent.consentModeDefault"
    `);
    const both = parseConfig({ version: 1, consent: { source: 'page', consentModeDefault: 'deny', banner: {} } });
    expect(both.config.consent).toEqual({ source: 'page', consentModeDefault: 'deny' });
    expect(formatIssues(both.issues)).toMatchInlineSnapshot(`
      "acquaint: invalid config (1 problem)
      ✖ needs acquaint's own consent record, which consent.source "page" turns off: the banner is off → at consent.banner"
    `);
  });

  it('ignores a __proto__ key without polluting', () => {
    const loaded = parseConfig(JSON.parse('{"version":1,"__proto__":{"polluted":"yes"}}'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(loaded.issues.map((i) => i.path)).toEqual(['__proto__']);
  });
});
