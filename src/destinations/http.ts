import type { AcquaintEvent } from '../events/event';
import { serializeEvent } from '../events/serialize';
import { parseRetryAfter } from '../delivery/backoff';
import { UNLOAD_MAX_BYTES } from '../delivery/sender';
import type { AdapterEnv, AdapterType, SendResult } from './adapter';
import type { HttpSettings } from './http-settings';

/** Serialises events once each and joins them: the body is `{batch, sentAt}` (contract §6). */
export function batchBody(batch: readonly AcquaintEvent[], sentAt: string): string {
  return `{"batch":[${batch.map(serializeEvent).join(',')}],"sentAt":${JSON.stringify(sentAt)}}`;
}

/**
 * The `http` destination: POSTs Segment-style batches to a collector. The body goes as
 * `text/plain` so a cross-origin collector gets no CORS preflight and sendBeacon can carry it.
 */
export const httpDestination: AdapterType<HttpSettings> = {
  type: 'http',
  create(id: string, purposes: readonly string[], env: AdapterEnv) {
    let url = '';
    let timeoutMs = 10_000;
    return {
      id,
      purposes,
      // fetch copies its body on the main thread (about 13 ms for 200 KB on 2 cores, 30 for
      // 500 KB): 200 KB keeps a send inside a 50 ms task, and 1,000 events leave in 4 requests.
      limits: { maxEvents: 500, maxBytes: 200_000 },
      init(settings: HttpSettings) {
        url = new URL(settings.url, env.baseUrl()).href;
        timeoutMs = settings.timeoutMs ?? timeoutMs;
      },
      beacon(batch) {
        const body = batchBody(batch, new Date(env.now()).toISOString());
        return body.length <= UNLOAD_MAX_BYTES && env.sendBeacon?.(url, body) === true;
      },
      async send(batch, { unloading }): Promise<SendResult> {
        const body = batchBody(batch, new Date(env.now()).toISOString());
        const small = body.length <= UNLOAD_MAX_BYTES;
        const abort = new AbortController();
        const timer = unloading ? undefined : env.setTimeout(() => abort.abort(), timeoutMs);
        try {
          const response = await env.fetch(url, {
            method: 'POST',
            body,
            headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
            // Unloading after a refused beacon: keepalive shares one 64 KB budget across all
            // in-flight requests, so only for this last send.
            keepalive: unloading && small,
            signal: abort.signal,
          });
          if (response.ok) return { ok: true };
          const status = response.status;
          const retry = status >= 500 || status === 429 || status === 408;
          const retryAfterMs = retry ? parseRetryAfter(response.headers.get('Retry-After'), env.now()) : undefined;
          return { ok: false, status, reason: `HTTP ${status}`, retry, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
        } catch (error) {
          const reason = abort.signal.aborted
            ? `timeout after ${timeoutMs} ms`
            : error instanceof Error
              ? `${error.name}: ${error.message}`
              : 'network error';
          return { ok: false, reason, retry: true };
        } finally {
          if (timer !== undefined) env.clearTimeout(timer);
        }
      },
    };
  },
};
