import { describe, expect, it } from 'vitest';
import { config, settings } from 'virtual:config-schemas';
import { validate } from '../../../src/config/validate';
import { BUILT_IN_TYPES } from '../../../src/config/destination-types';
import { schemas } from '../../../src/cli/config-sources';

describe('the generated JSON Schema', () => {
  it('covers every destination type the registry knows, and no other', () => {
    expect(Object.keys(settings).sort()).toEqual([...BUILT_IN_TYPES].sort());
    expect(Object.keys(schemas.settings).sort()).toEqual([...BUILT_IN_TYPES].sort());
  });

  it('agrees with the zod schema on valid and invalid configs', () => {
    const samples: unknown[] = [
      { version: 1 },
      { version: 1, consent: { defaults: { analytics: 'granted' }, regions: { DE: { marketing: 'denied' } }, version: 'v3' } },
      { version: 1, consent: { regions: { de: {} } } },
      { version: 1, delivery: { maxAgeHours: 0 } },
      { version: 1, delivery: { retryBaseMs: 1.5 } },
      { version: 1, identity: { sessionTimeoutMinutes: 30, extra: true } },
      { version: 1, consent: { tcf: { analytics: [] } } },
      { version: 1, consent: { banner: { lang: 'de-AT', texts: { title: 'Hallo' } } } },
      { version: 1, consent: { banner: { lang: 'not a tag' } } },
      { version: 1, debug: 'yes' },
      { version: 1, audiences: [{ id: 'eco', all: [{ event: 'view_item', where: { 'a.b': 'eco', n: 2, ok: true }, minCount: 3 }] }] },
      { version: 1, audiences: [{ id: 'eco', all: [{ event: 'view_item', where: { 'a.b': null } }] }] },
      { version: 1, audiences: [{ id: 'bad id!', any: [] }] },
      { version: 2 },
    ];
    for (const sample of samples) {
      expect(validate(config, sample).length === 0, JSON.stringify(sample)).toBe(schemas.config.safeParse(sample).success);
    }
  });

  it('agrees with the zod schema on http settings', () => {
    for (const url of [
      '/v1/batch',
      'https://c.example/v1',
      'http://127.0.0.1:8080/x',
      'javascript:alert(1)',
      'v1/batch',
      'ftp://x',
      '',
      42,
    ]) {
      const sample = { url };
      expect(validate(settings.http!, sample).length === 0, String(url)).toBe(schemas.settings.http.safeParse(sample).success);
    }
  });
});

describe('validate', () => {
  it('names the path and the problem', () => {
    expect(validate(config, { version: 1, consent: { defaults: { Analytics: 'granted', marketing: 'maybe' } } })).toEqual([
      {
        code: 'invalid_key',
        path: 'consent.defaults.Analytics',
        message: 'invalid key "Analytics": must be lowercase letters, digits or _ (at most 40)',
      },
      { code: 'invalid_value', path: 'consent.defaults.marketing', message: 'expected "granted" or "denied" or "pending", got "maybe"' },
    ]);
  });

  it('treats a __proto__ key as an unknown key and reads nothing through it', () => {
    const issues = validate(config, JSON.parse('{"version":1,"identity":{"__proto__":{"polluted":1}}}'));
    expect(issues).toEqual([{ code: 'unrecognized_keys', path: 'identity', message: 'unknown key "__proto__"' }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
