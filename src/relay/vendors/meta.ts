import { metaEventName, pixelParameters } from '../../destinations/meta-pixel';
import type { MetaPixelSettings } from '../../destinations/meta-pixel-settings';
import type { AcquaintEvent } from '../../events/event';
import { isPlainObject } from '../../lib/is';
import { metaExternalId, metaHash } from './meta-hash';
import { baseUrl, chunk, eventTime, outcome, type Outcome } from './outcome';
import type { OutboxRow, VendorApi } from './types';

const GRAPH = 'https://graph.facebook.com';
/** The Graph API version of facebook-nodejs-business-sdk 24 (`FacebookAdsApi.VERSION`); a test keeps them equal. */
export const GRAPH_VERSION = 'v24.0';
const MAX_EVENTS = 1000;

// Segment puts a known user's traits in `context.traits` of every event; identify events carry `traits`.
function traitsOf(event: AcquaintEvent): Record<string, unknown> {
  const context = event.context.traits;
  return { ...(isPlainObject(context) ? context : {}), ...event.traits };
}

/** Customer information: hashed `em`, `ph` and `external_id` (advanced matching), then what the pixel would send by itself. */
function userData(row: OutboxRow, settings: MetaPixelSettings, time: number, out: Outcome): Record<string, unknown> {
  const { event, client } = row;
  const data: Record<string, unknown> = {};
  if (settings.advancedMatching !== false) {
    const traits = traitsOf(event);
    for (const [field, trait] of [['em', traits.email] as const, ['ph', traits.phone] as const]) {
      if ((typeof trait !== 'string' && typeof trait !== 'number') || trait === '') continue;
      const hashed = metaHash(field, String(trait));
      if (hashed) data[field] = [hashed];
      else out.trim(`${field}_invalid`);
    }
    if (typeof event.userId === 'string' && event.userId) data.external_id = [metaExternalId(event.userId)];
  }
  if (client.ip) data.client_ip_address = client.ip;
  data.client_user_agent = client.userAgent;
  // Meta's click id as the pixel adapter builds it: fb.1.<ms>.<fbclid>, never hashed.
  const fbclid = event.context.clickIds?.fbclid;
  if (fbclid) data.fbc = `fb.1.${time}.${fbclid}`;
  if (client.fbp) data.fbp = client.fbp;
  return data;
}

/** One server event, or undefined once the row is refused. */
function serverEvent(row: OutboxRow, settings: MetaPixelSettings, now: number, out: Outcome): Record<string, unknown> | undefined {
  const event = row.event;
  const name = metaEventName(event, settings);
  const url = event.context.page.url;
  // Meta refuses the whole request for one website event without these, so the row goes alone.
  const missing = !name ? 'no_event_name' : !url ? 'no_event_source_url' : !row.client.userAgent ? 'no_user_agent' : undefined;
  if (missing) {
    out.refuse(row, missing);
    return undefined;
  }
  // Likewise for one past 7 days: refused here, not in Meta's answer.
  const time = eventTime(row, now, metaApi.maxAgeMs, out);
  if (time === undefined) return undefined;
  const custom = event.type === 'page' ? {} : pixelParameters(event.properties);
  return {
    event_name: name,
    event_time: Math.floor(time / 1000),
    event_id: event.messageId,
    action_source: 'website',
    event_source_url: url,
    user_data: userData(row, settings, time, out),
    ...(Object.keys(custom).length ? { custom_data: custom } : {}),
  };
}

/**
 * Meta's Conversions API: up to 1,000 events a request, each deduplicated with the pixel's by
 * `event_id` (the messageId). The access token goes in the body, as Meta's SDK sends it, which
 * keeps it out of URLs (and the logs that print them). Identify events have no Meta event: the
 * pixel only re-inits its matching with them. They are not sent (counted as `identify_not_sent`).
 */
export const metaApi: VendorApi<MetaPixelSettings> = {
  maxAgeMs: 7 * 24 * 3_600_000,
  secretNames: (settings) => (settings.accessTokenEnv ? [settings.accessTokenEnv] : []),
  prepare(rows, settings, secrets, now) {
    const out = outcome();
    const token = settings.accessTokenEnv ? secrets[settings.accessTokenEnv] : undefined;
    const sendable: { row: OutboxRow; data: Record<string, unknown> }[] = [];
    for (const row of rows) {
      if (!token) out.refuse(row, 'secret_missing');
      else if (row.event.type === 'identify') out.trim('identify_not_sent');
      else
        try {
          const data = serverEvent(row, settings, now, out);
          if (data) sendable.push({ row, data });
        } catch {
          out.refuse(row, 'invalid_event');
        }
    }
    const url = `${baseUrl(settings.endpoint, GRAPH)}/${GRAPH_VERSION}/${encodeURIComponent(settings.pixelId)}/events`;
    const test = settings.testEventCode ? { test_event_code: settings.testEventCode } : {};
    const requests = chunk(sendable, MAX_EVENTS, Infinity, () => 0).map((run) => ({
      url,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ data: run.map((one) => one.data), access_token: token, ...test }),
      rows: run.map((one) => one.row),
    }));
    return out.result(requests);
  },
};
