import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load';
import { checkConfig } from '../../../src/cli/check-config';

// Contract §9 in the page: a server-mode destination is a queue to the relay; `both` keeps the tag too.
const ga4 = {
  id: 'ga4',
  type: 'ga4',
  mode: 'server',
  purposes: ['analytics'],
  settings: { measurementId: 'G-TEST123', apiSecretEnv: 'GA4_SECRET' },
};
const meta = {
  id: 'meta',
  type: 'meta-pixel',
  mode: 'both',
  purposes: ['marketing'],
  hash: ['properties.email'],
  settings: { pixelId: '123456', accessTokenEnv: 'META_TOKEN' },
};

describe('server-mode destinations in the page', () => {
  it('sends a server destination to <relay.url>/v1/batch/<id> and keeps the tag of a both one beside its relay half', () => {
    const { destinations, issues } = parseConfig({ version: 1, relay: { url: '/acquaint/' }, destinations: [ga4, meta] });
    expect(issues).toEqual([]);
    expect(destinations.map(({ id, type, settings }) => [id, type, settings])).toEqual([
      ['ga4', 'http', { url: '/acquaint/v1/batch/ga4' }],
      ['meta', 'meta-pixel', meta.settings],
      ['meta:relay', 'http', { url: '/acquaint/v1/batch/meta' }],
    ]);
    // Meta's matching traits go with every event (context.traits), only those, and only hashed, as the pixel's do.
    expect(destinations[2]!.hash).toEqual([
      'properties.email',
      'traits.email',
      'traits.phone',
      'context.traits.email',
      'context.traits.phone',
    ]);
    expect(destinations[2]!.contextTraits).toEqual(['email', 'phone']);
    expect(destinations[0]!.contextTraits).toBeUndefined();
    expect(destinations.every((d) => !('mode' in d))).toBe(true);
  });

  it('reads the destinations as written for the relay', () => {
    const { destinations } = parseConfig(
      { version: 1, relay: { url: 'https://relay.example' }, destinations: [ga4, meta] },
      { side: 'relay' },
    );
    expect(destinations.map((d) => [d.id, d.type, d.mode])).toEqual([
      ['ga4', 'ga4', 'server'],
      ['meta', 'meta-pixel', 'both'],
    ]);
  });

  it('turns off a server destination without relay.url, or in a mode its type does not have, naming the path', () => {
    const http = { id: 'h', type: 'http', mode: 'both', purposes: ['analytics'], settings: { url: '/c' } };
    const { destinations, issues } = parseConfig({ version: 1, destinations: [ga4] });
    expect(destinations).toEqual([]);
    expect(issues).toEqual([
      expect.objectContaining({ path: 'destinations[0].mode', message: expect.stringMatching(/relay\.url/) as unknown }),
    ]);
    const both = parseConfig({ version: 1, relay: { url: '/acquaint' }, destinations: [http] });
    expect(both.issues).toEqual([expect.objectContaining({ path: 'destinations[0].mode', message: 'type "http" has no "both" mode' })]);
  });
});

describe('acquaint validate: what the relay needs', () => {
  it('refuses a secret written in the public config, and a server vendor without its secret variable', () => {
    const leaky = { ...ga4, settings: { measurementId: 'G-TEST123', config: { api_secret: 'abc' } } };
    const { errors } = checkConfig(JSON.stringify({ version: 1, relay: { url: '/acquaint' }, destinations: [leaky] }));
    expect(errors.map((e) => e.path)).toEqual(['destinations[0].settings.config.api_secret', 'destinations[0].settings.apiSecretEnv']);
    expect(errors[0]!.message).toMatch(/holds a secret/);
  });
});
