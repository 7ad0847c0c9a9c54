import { batchBody } from '../../destinations/http';
import type { HttpSettings } from '../../destinations/http-settings';
import { serializeEvent } from '../../events/serialize';
import { chunk, outcome, utf8Bytes } from './outcome';
import type { OutboxRow, VendorApi } from './types';

const MAX_EVENTS = 500;
// Segment's batch limit is 500 KB; the margin covers `{"batch":[…],"sentAt":"…"}` around the events.
const MAX_BYTES = 500_000 - 64;

/** The request headers: JSON, then each of `headersEnv` with its value from the relay's environment (undefined when one is not set). */
function headersOf(settings: HttpSettings, secrets: Readonly<Record<string, string>>): Record<string, string> | undefined {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  for (const [name, env] of Object.entries(settings.headersEnv ?? {})) {
    const value = secrets[env];
    if (value === undefined) return undefined;
    if (name.toLowerCase() === 'content-type') delete headers['Content-Type'];
    headers[name] = value;
  }
  return headers;
}

/**
 * A Segment-compatible collector (contract §6): the page's own batch format, with the headers
 * `headersEnv` names, so a write key stays on the server. Every event type goes, identify too.
 */
export const httpApi: VendorApi<HttpSettings> = {
  secretNames: (settings) => Object.values(settings.headersEnv ?? {}),
  prepare(rows, settings, secrets, now) {
    const out = outcome();
    const headers = headersOf(settings, secrets);
    // A path on the site is for the page's collector; the relay has no site to resolve it against.
    const problem = !headers ? 'secret_missing' : /^https?:\/\//.test(settings.url) ? undefined : 'url_not_absolute';
    const sendable: { row: OutboxRow; bytes: number }[] = [];
    for (const row of rows) {
      const bytes = problem ? 0 : utf8Bytes(serializeEvent(row.event)) + 1;
      if (problem || bytes > MAX_BYTES) out.refuse(row, problem ?? 'too_large');
      else sendable.push({ row, bytes });
    }
    const sentAt = new Date(now).toISOString();
    const requests = chunk(sendable, MAX_EVENTS, MAX_BYTES, (one) => one.bytes).map((run) => ({
      url: settings.url,
      headers: { ...headers },
      body: batchBody(
        run.map((one) => one.row.event),
        sentAt,
      ),
      rows: run.map((one) => one.row),
    }));
    return out.result(requests);
  },
};
