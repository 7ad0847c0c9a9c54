import { createHash } from 'node:crypto';
import { ga4EventName } from '../../destinations/ga4';
import type { Ga4Settings } from '../../destinations/ga4-settings';
import type { AcquaintEvent } from '../../events/event';
import { ga4Params, isReservedEventName } from './ga4-params';
import { baseUrl, chunk, eventTime, outcome, ownString, utf8Bytes, type Outcome } from './outcome';
import type { OutboxRow, VendorApi } from './types';

const GOOGLE_ANALYTICS = 'https://www.google-analytics.com';
const MAX_EVENTS = 25;
// "The post body must be smaller than 130kB"; the margin covers the joins around the events.
const MAX_BYTES = 130_000 - 64;
const MAX_USER_ID = 256;

interface Ga4Event {
  name: string;
  params: Record<string, unknown>;
  timestamp_micros: number;
}
interface Sendable {
  row: OutboxRow;
  event: Ga4Event;
  bytes: number;
}

/**
 * GA4 reads `session_id` as a number (gtag.js sends the session's start in Unix seconds). A
 * digits-only id is kept; any other, such as acquaint's UUIDs, becomes the first 32 bits of its
 * SHA-256: the same number for every event of the session, unlikely to repeat for one client.
 */
export function ga4SessionId(sessionId: string): number {
  if (/^\d{1,15}$/.test(sessionId)) return Number(sessionId);
  return parseInt(createHash('sha256').update(sessionId).digest('hex').slice(0, 8), 16);
}

/** The event's name as GA4 gets it (`page` → `page_view`, like the page adapter), or undefined once refused. */
function eventName(row: OutboxRow, settings: Ga4Settings, out: Outcome): string | undefined {
  const event = row.event;
  const wanted = event.type === 'page' ? 'page_view' : (ownString(settings.eventNames, event.event ?? '') ?? event.event ?? '');
  const name = ga4EventName(wanted);
  if (isReservedEventName(name)) {
    out.refuse(row, 'reserved_event_name');
    return undefined;
  }
  if (name !== wanted) out.trim('event_name_cut');
  return name;
}

function toGa4Event(event: AcquaintEvent, name: string, time: number, out: Outcome): Ga4Event {
  const { url, referrer, title } = event.context.page;
  // gtag.js sends the page's location, referrer and title with every event: so does the relay.
  const fixed = {
    session_id: ga4SessionId(String(event.context.sessionId)),
    engagement_time_msec: 1,
    page_location: url || undefined,
    page_referrer: referrer || undefined,
    page_title: title || undefined,
  };
  // A page view carries only its page, as the page adapter sends it.
  const params = ga4Params(fixed, event.type === 'page' ? {} : event.properties, out);
  return { name, params, timestamp_micros: time * 1000 };
}

/** The request-level fields. GA4 sets `user_id` and `consent` per request, so events that differ in them go apart. */
function envelope(event: AcquaintEvent, settings: Ga4Settings, out: Outcome): Record<string, unknown> {
  const consent = event.context.consent?.marketing === 'granted' ? 'GRANTED' : 'DENIED';
  let userId = settings.sendUserId !== false && typeof event.userId === 'string' ? event.userId : '';
  if (userId.length > MAX_USER_ID) {
    out.trim('user_id_too_long');
    userId = '';
  }
  return {
    client_id: event.anonymousId,
    ...(userId && { user_id: userId }),
    consent: { ad_user_data: consent, ad_personalization: consent },
  };
}

/**
 * GA4's Measurement Protocol: one request per client (`client_id` = anonymousId), user and
 * consent, at most 25 events each. Identify events have no GA4 event: gtag.js only sets the
 * user_id from them, which every event here carries, so they are not sent (counted in
 * `trimmed` as `identify_not_sent`, in neither `requests` nor `refused`).
 */
export const ga4Api: VendorApi<Ga4Settings> = {
  maxAgeMs: 72 * 3_600_000,
  secretNames: (settings) => (settings.apiSecretEnv ? [settings.apiSecretEnv] : []),
  prepare(rows, settings, secrets, now) {
    const out = outcome();
    const secret = settings.apiSecretEnv ? secrets[settings.apiSecretEnv] : undefined;
    if (!secret) {
      for (const row of rows) out.refuse(row, 'secret_missing');
      return out.result([]);
    }
    const groups = new Map<string, { head: Record<string, unknown>; sendable: Sendable[] }>();
    for (const row of rows) {
      if (row.event.type === 'identify') {
        out.trim('identify_not_sent');
        continue;
      }
      if (!row.event.anonymousId) {
        out.refuse(row, 'no_client_id');
        continue;
      }
      try {
        const time = eventTime(row, now, ga4Api.maxAgeMs, out);
        const name = time === undefined ? undefined : eventName(row, settings, out);
        if (time === undefined || name === undefined) continue;
        const event = toGa4Event(row.event, name, time, out);
        const head = envelope(row.event, settings, out);
        const key = JSON.stringify(head);
        const bytes = utf8Bytes(JSON.stringify(event)) + 1;
        if (bytes + utf8Bytes(key) > MAX_BYTES) {
          out.refuse(row, 'too_large');
          continue;
        }
        const group = groups.get(key) ?? { head, sendable: [] };
        group.sendable.push({ row, event, bytes });
        groups.set(key, group);
      } catch {
        out.refuse(row, 'invalid_event');
      }
    }
    const url = `${baseUrl(settings.endpoint, GOOGLE_ANALYTICS)}/mp/collect?measurement_id=${encodeURIComponent(settings.measurementId)}&api_secret=${encodeURIComponent(secret)}`;
    const requests = [...groups].flatMap(([key, { head, sendable }]) =>
      chunk(sendable, MAX_EVENTS, MAX_BYTES - utf8Bytes(key), (one) => one.bytes).map((run) => ({
        url,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ ...head, events: run.map((one) => one.event) }),
        rows: run.map((one) => one.row),
      })),
    );
    return out.result(requests);
  },
};
