import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { plausible } from '../../../docs/examples/plausible';
import { createAcquaint } from '../../../src/acquaint';
import { answer, fakeEnv } from '../fake-env';

// docs/writing-an-adapter.md shows docs/examples/plausible.ts; this runs it as a site would
// (real timers: flush sends one batch per task).
const config = (settings: unknown) => ({
  version: 1,
  consent: { defaults: { analytics: 'granted' } },
  destinations: [{ id: 'plausible', type: 'plausible', purposes: ['analytics'], settings }],
});

describe('the adapter in docs/writing-an-adapter.md', () => {
  it('is shown in the doc exactly as tested', () => {
    const doc = readFileSync(new URL('../../../docs/writing-an-adapter.md', import.meta.url), 'utf8');
    const code = readFileSync(new URL('../../../docs/examples/plausible.ts', import.meta.url), 'utf8');
    expect(doc).toContain(code);
  });

  it('sends each page view and event to Plausible, one request each', async () => {
    const { env, requests } = fakeEnv();
    const acquaint = createAcquaint({ config: config({ domain: 'shop.example' }), env, adapters: [plausible] });
    acquaint.track('signup', { plan: 'pro' });
    await acquaint.flush();
    expect(requests.map((r) => [r.url, r.body])).toEqual([
      [
        'https://plausible.io/api/event',
        { name: 'pageview', url: 'https://shop.example/cart', domain: 'shop.example', referrer: null, props: {} },
      ],
      [
        'https://plausible.io/api/event',
        { name: 'signup', url: 'https://shop.example/cart', domain: 'shop.example', referrer: null, props: { plan: 'pro' } },
      ],
    ]);
  });

  it('refuses settings without a domain, naming the field', async () => {
    const { env } = fakeEnv();
    const acquaint = createAcquaint({ config: config({}), env, adapters: [plausible] });
    const errors: string[] = [];
    acquaint.on('error', (e) => void errors.push(`${e.code} ${e.destination}: ${e.message}`));
    await acquaint.ready();
    expect(errors).toEqual(['destination_init_failed plausible: Error: settings.domain is required, like "shop.example"']);
  });

  it('retries a 503 and drops what Plausible rejects', async () => {
    const fetch = vi.fn().mockResolvedValueOnce(answer(503)).mockResolvedValueOnce(answer(400)).mockResolvedValue(answer(202));
    const { env } = fakeEnv({ fetch });
    const acquaint = createAcquaint({ config: config({ domain: 'shop.example' }), env, adapters: [plausible] });
    const dropped: string[] = [];
    acquaint.on('dropped', (d) => void dropped.push(d.reason));
    await acquaint.flush(); // the page view: 503, kept for a retry
    await acquaint.flush(); // 400: dropped
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(dropped).toEqual(['rejected']);
  });
});
