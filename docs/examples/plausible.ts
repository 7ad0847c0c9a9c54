import type { AcquaintEvent, Adapter, AdapterEnv, AdapterType, SendResult } from 'acquaint';

/** What the config's `settings` may hold for this type; `init` checks it. */
interface PlausibleSettings {
  domain: string;
  endpoint?: string;
}

// Plausible's Events API takes one event per request, as text/plain JSON (no CORS preflight).
function body(event: AcquaintEvent, domain: string): string {
  const { url, referrer } = event.context.page;
  const name = event.type === 'page' ? 'pageview' : (event.event ?? 'event');
  const props = event.type === 'track' ? event.properties : {};
  return JSON.stringify({ name, url, domain, referrer: referrer || null, props });
}

export const plausible: AdapterType<PlausibleSettings> = {
  type: 'plausible',
  create(id: string, purposes: readonly string[], env: AdapterEnv): Adapter<PlausibleSettings> {
    let domain = '';
    let endpoint = 'https://plausible.io/api/event';
    return {
      id,
      purposes,
      // One event per request: acquaint batches what it hands over accordingly.
      limits: { maxEvents: 1, maxBytes: 64_000 },
      init(settings) {
        if (typeof settings?.domain !== 'string' || !settings.domain) throw new Error('settings.domain is required, like "shop.example"');
        domain = settings.domain;
        if (settings.endpoint) endpoint = new URL(settings.endpoint, env.baseUrl()).href;
      },
      async send(batch): Promise<SendResult> {
        for (const event of batch) {
          try {
            const response = await env.fetch(endpoint, { method: 'POST', body: body(event, domain), headers: { 'Content-Type': 'text/plain' } });
            // 5xx and 429 may pass on a retry (acquaint backs off); any other 4xx will not.
            if (!response.ok) return { ok: false, reason: `HTTP ${response.status}`, status: response.status, retry: response.status >= 500 || response.status === 429 };
          } catch (error) {
            return { ok: false, reason: String(error), retry: true };
          }
        }
        return { ok: true };
      },
      // On unload acquaint asks for a hand-over that outlives the page.
      beacon: (batch) => batch.every((event) => env.sendBeacon?.(endpoint, body(event, domain)) === true),
    };
  },
};
