import * as z from 'zod/mini';
import type { AcquaintEvent } from '../events/event';
import { serializeEvent } from '../events/serialize';
import type { AdapterEnv, AdapterType, SendResult } from './adapter';

const isHttpUrl = (value: string): boolean => {
  try {
    return /^https?:$/.test(new URL(value, 'http://base.invalid/').protocol);
  } catch {
    return false;
  }
};

export const httpSettingsSchema = z.strictObject({
  /** Absolute http(s) URL, or a path resolved against the page (first-party collector). */
  url: z.string().check(z.refine(isHttpUrl, 'must be an http(s) URL or a path like /v1/batch')),
});

export type HttpSettings = z.infer<typeof httpSettingsSchema>;

// sendBeacon and keepalive fetch share a 64 KB budget per page; stay under it.
const MAX_BYTES = 60_000;

/** Serialises events once each and joins them: the body is `{batch, sentAt}` (contract §6). */
export function batchBody(batch: readonly AcquaintEvent[], sentAt: string): string {
  return `{"batch":[${batch.map(serializeEvent).join(',')}],"sentAt":${JSON.stringify(sentAt)}}`;
}

/**
 * The `http` destination: POSTs Segment-style batches to a collector. The body goes as
 * `text/plain` so a cross-origin collector gets no CORS preflight and sendBeacon can carry it.
 */
export const httpDestination: AdapterType<HttpSettings> = {
  settings: httpSettingsSchema,
  create(id: string, purposes: readonly string[], env: AdapterEnv) {
    let url = '';
    return {
      id,
      purposes,
      limits: { maxEvents: 100, maxBytes: MAX_BYTES },
      init(settings: HttpSettings) {
        url = new URL(settings.url, env.baseUrl()).href;
      },
      async send(batch, { unloading }): Promise<SendResult> {
        const body = batchBody(batch, new Date(env.now()).toISOString());
        if (unloading && env.sendBeacon && body.length <= MAX_BYTES && env.sendBeacon(url, body)) return { ok: true };
        try {
          const response = await env.fetch(url, {
            method: 'POST',
            body,
            headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
            // keepalive shares one 64 KB budget across all in-flight requests: only for the last send.
            keepalive: unloading && body.length <= MAX_BYTES,
          });
          if (response.ok) return { ok: true };
          const status = response.status;
          return { ok: false, status, reason: `HTTP ${status}`, retry: status >= 500 || status === 429 };
        } catch (error) {
          return { ok: false, reason: error instanceof Error ? `${error.name}: ${error.message}` : 'network error', retry: true };
        }
      },
    };
  },
};
