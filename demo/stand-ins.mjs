// Local stand-ins for the vendors' server APIs the relay forwards to (contract section 9), for
// the demo and the tests: one loopback HTTP server that checks each request the way the vendor
// documents it and records what a real vendor would have accepted. Plain Node, no dependencies.
//
//   const vendors = await startStandIns({ port: 0, host: '127.0.0.1' });
//   // settings.endpoint of a ga4 destination = vendors.ga4Endpoint, of a meta-pixel one =
//   // vendors.metaEndpoint; an http destination's settings.url = vendors.httpUrl
//   vendors.received();   // { ga4: [...], meta: [...], http: [...] }, one entry per event
//   vendors.requests();   // every request to a vendor route, with its answer and problems
//   vendors.setFault({ down: true });  // 503 on every vendor route until setFault()
//   await vendors.close();
//
// Routes (every answer is JSON; CORS is open so the demo page can read GET /received):
// - POST /mp/collect?measurement_id=…&api_secret=…   GA4 Measurement Protocol. Like Google's it
//   answers 204 whatever the payload; an invalid hit is recorded with its `problems` (Google
//   would drop it silently), so a test asserts `received().ga4.every((e) => !e.problems.length)`.
// - POST /debug/mp/collect                            GA4's validation server: 200
//   `{ validationMessages: [{ fieldPath, description, validationCode }] }`, records nothing.
// - POST /v<digits>.0/<pixel id>/events               Meta Conversions API: an invalid request is
//   refused whole with 400 and a Graph API error (`{ error: { message, type: 'OAuthException',
//   code, fbtrace_id } }`, nothing recorded); a valid one answers 200 `{ events_received,
//   messages: [], fbtrace_id }` and records each event (duplicates too: deduplication by
//   event_id + event_name is Meta's job, so tests can count them).
// - POST /collect                                     a plain §6 collector (`{ batch, sentAt }`):
//   200 and each event recorded with the request's headers; 400 when the body is not a batch.
// - GET /received (DELETE /received clears), GET /requests, GET /healthz.
//
// Faults (`setFault`) apply to the vendor routes only, never to /received:
//   { down: true }           every vendor request answers 503 (or `status`)
//   { reset: true }          every vendor request has its socket destroyed (a network error)
//   { status: 429 }          every vendor request answers that status
//   { failRatio: 0.5, seed } that share of requests answers 500 (or `status`), picked by a
//                            seeded generator (seed 1 by default): the same run every time
//   retryAfter: seconds      adds Retry-After to the faulted answers
//   routes: ['meta']         limits the fault to those routes ('ga4', 'ga4-debug', 'meta', 'http')
// `setFault()` (or `{}`) ends them. A faulted request is logged by requests(), never recorded.
//
// Options: `apiSecret` (GA4), `accessToken` (Meta) and `authorization` (the http collector's
// expected Authorization header) make the stand-ins check the credential the relay sends: a wrong
// GA4 api_secret is a problem on the hit (Google drops it), a wrong Meta token a 400 with Graph's
// code 190, a wrong Authorization a 401. `now` replaces the clock (ms); `log` prints a line a request.
//
// Bounded: bodies over 2 MB get 413, each list keeps its last 10,000 entries, and no input
// makes it throw. The rules, with their sources, are next to GA4_LIMITS and META_LIMITS below.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { isIP } from 'node:net';
import { gunzipSync } from 'node:zlib';

const MAX_BODY = 2 * 1024 * 1024;
const MAX_ENTRIES = 10_000;

/**
 * GA4 Measurement Protocol rules, from Google's documentation:
 * - https://developers.google.com/analytics/devguides/collection/protocol/ga4/sending-events
 *   ("Limitations", "Reserved names"): at most 25 events a request, 25 params an event, 25 user
 *   properties; event and param names ≤ 40 characters, letters/digits/underscores, starting with a
 *   letter; param values ≤ 100 characters (standard property); user property names ≤ 24, values
 *   ≤ 36; post body < 130 kB; events backdated up to 72 hours.
 * - .../protocol/ga4/reference: api_secret and measurement_id in the query; client_id required
 *   (web); consent.ad_user_data / ad_personalization are GRANTED or DENIED; the body's keys.
 * - https://support.google.com/analytics/answer/9267744 (collection limits): User-ID ≤ 256 characters.
 * - .../protocol/ga4/validating-events: the validation server's answer and its validationCodes.
 */
export const GA4_LIMITS = Object.freeze({
  events: 25,
  params: 25,
  userProperties: 25,
  nameLength: 40,
  paramValueLength: 100,
  userPropertyNameLength: 24,
  userPropertyValueLength: 36,
  userIdLength: 256,
  items: 200,
  itemCustomParams: 10,
  bodyBytes: 130_000,
  maxAgeMs: 72 * 3600 * 1000,
  /** Clock skew allowed for a timestamp "in the future". */
  futureSkewMs: 60 * 1000,
});

// The Measurement Protocol's reserved event names (sending-events#reserved_names).
const GA4_RESERVED_EVENTS = new Set([
  'ad_activeview',
  'ad_click',
  'ad_exposure',
  'ad_impression',
  'ad_query',
  'ad_reward',
  'adunit_exposure',
  'app_background',
  'app_clear_data',
  'app_exception',
  'app_install',
  'app_remove',
  'app_store_refund',
  'app_update',
  'app_upgrade',
  'dynamic_link_app_open',
  'dynamic_link_app_update',
  'dynamic_link_first_open',
  'error',
  'firebase_campaign',
  'firebase_in_app_message_action',
  'firebase_in_app_message_dismiss',
  'firebase_in_app_message_impression',
  'first_open',
  'first_visit',
  'in_app_purchase',
  'notification_dismiss',
  'notification_foreground',
  'notification_open',
  'notification_receive',
  'notification_send',
  'os_update',
  'screen_view',
  'session_start',
  'user_engagement',
]);
const GA4_RESERVED_PARAMS = new Set(['firebase_conversion']);
const GA4_RESERVED_USER_PROPERTIES = new Set([
  'first_open_time',
  'first_visit_time',
  'last_deep_link_referrer',
  'user_id',
  'first_open_after_install',
]);
const GA4_RESERVED_PREFIXES = ['google_', 'ga_', 'firebase_'];
const GA4_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const GA4_BODY_KEYS = new Set([
  'client_id',
  'app_instance_id',
  'user_id',
  'timestamp_micros',
  'user_properties',
  'consent',
  'non_personalized_ads',
  'user_location',
  'device',
  'user_data',
  'ip_override',
  'events',
  'validation_behavior',
]);
const GA4_EVENT_KEYS = new Set(['name', 'params', 'timestamp_micros']);
// The items parameters of GA4's ecommerce events; others on an item are custom ones.
const GA4_ITEM_PARAMS = new Set([
  'item_id',
  'item_name',
  'affiliation',
  'coupon',
  'discount',
  'index',
  'item_brand',
  'item_category',
  'item_category2',
  'item_category3',
  'item_category4',
  'item_category5',
  'item_list_id',
  'item_list_name',
  'item_variant',
  'location_id',
  'price',
  'quantity',
  'promotion_id',
  'promotion_name',
  'creative_name',
  'creative_slot',
]);

/**
 * Meta Conversions API rules, from Meta's documentation:
 * - https://developers.facebook.com/docs/marketing-api/conversions-api/using-the-api: POST
 *   /{API_VERSION}/{PIXEL_ID}/events with access_token; up to 1,000 events a request.
 * - .../conversions-api/parameters/main-body: `data` (required), `test_event_code`.
 * - .../parameters/server-event: event_name, event_time (Unix seconds, at most 7 days old, else
 *   the whole request is refused), user_data required, action_source required; website events
 *   need event_source_url and client_user_agent (.../conversions-api/parameters).
 * - .../parameters/customer-information-parameters: em, ph, fn, ln, ge, db, ct, st, zp, country
 *   must be SHA-256 hashes; client_ip_address, client_user_agent, fbc, fbp are never hashed.
 *   external_id is "hashing recommended" at Meta; here it must be a hash too (contract §9).
 * - .../parameters/fbp-and-fbc: fbc = fb.<subdomainIndex>.<creationTime>.<fbclid>, fbp =
 *   fb.<subdomainIndex>.<creationTime>.<random number>.
 * - .../parameters/custom-data: value and currency are required for Purchase events.
 */
export const META_LIMITS = Object.freeze({
  events: 1000,
  maxAgeMs: 7 * 86400 * 1000,
  futureSkewMs: 60 * 1000,
});
const META_ACTION_SOURCES = new Set([
  'email',
  'website',
  'app',
  'phone_call',
  'chat',
  'physical_store',
  'system_generated',
  'business_messaging',
  'other',
]);
const META_EVENT_KEYS = new Set([
  'event_name',
  'event_time',
  'event_source_url',
  'user_data',
  'custom_data',
  'app_data',
  'event_id',
  'opt_out',
  'action_source',
  'data_processing_options',
  'data_processing_options_country',
  'data_processing_options_state',
  'referrer_url',
  'customer_segmentation',
  'advanced_measurement_table',
  'advertiser_tracking_enabled',
  'messaging_channel',
  'original_event_data',
  'attribution_data',
]);
const META_HASHED = new Set([
  'em',
  'ph',
  'fn',
  'ln',
  'ge',
  'db',
  'ct',
  'st',
  'zp',
  'country',
  'external_id',
  'f5first',
  'f5last',
  'fi',
  'dobd',
  'dobm',
  'doby',
]);
const META_PLAIN = new Set([
  'client_ip_address',
  'client_user_agent',
  'fbc',
  'fbp',
  'subscription_id',
  'fb_login_id',
  'lead_id',
  'anon_id',
  'madid',
  'page_id',
  'page_scoped_user_id',
  'ctwa_clid',
  'ig_account_id',
  'ig_sid',
  'app_user_id',
]);
const SHA256 = /^[0-9a-f]{64}$/;
const FBC = /^fb\.[0-2]\.\d+\.\S+$/;
const FBP = /^fb\.[0-2]\.\d+\.\d+(\.\S+)?$/;

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
const chars = (text) => [...text].length;
const show = (value) => {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};
/** An integer from a JSON number or a string of digits (protobuf's int64 in JSON), else NaN. */
const integer = (value) =>
  typeof value === 'number' && Number.isInteger(value)
    ? value
    : typeof value === 'string' && /^\d{1,20}$/.test(value)
      ? Number(value)
      : NaN;

function ga4Name(kind, name, maxLength, reserved) {
  if (typeof name !== 'string' || name === '') return ['VALUE_REQUIRED', `${kind} name is missing`];
  if (chars(name) > maxLength) return ['VALUE_OUT_OF_BOUNDS', `${kind} name [${show(name)}] is longer than ${maxLength} characters`];
  if (!GA4_NAME.test(name)) {
    return ['NAME_INVALID', `${kind} name [${show(name)}] must start with a letter and hold only letters, digits and underscores`];
  }
  if (reserved.has(name)) return ['NAME_RESERVED', `${kind} name [${name}] is reserved`];
  if (GA4_RESERVED_PREFIXES.some((prefix) => name.startsWith(prefix))) {
    return ['NAME_RESERVED', `${kind} name [${name}] starts with a reserved prefix (${GA4_RESERVED_PREFIXES.join(', ')})`];
  }
  return null;
}

function ga4Timestamp(value, path, now, add) {
  const micros = integer(value);
  if (Number.isNaN(micros)) return add(path, 'VALUE_INVALID', `timestamp_micros [${show(value)}] is not an integer of microseconds`);
  const ms = micros / 1000;
  if (now - ms > GA4_LIMITS.maxAgeMs) add(path, 'VALUE_OUT_OF_BOUNDS', `timestamp_micros [${value}] is more than 72 hours old`);
  if (ms - now > GA4_LIMITS.futureSkewMs) add(path, 'VALUE_OUT_OF_BOUNDS', `timestamp_micros [${value}] is in the future`);
}

function ga4ParamValue(value, path, add) {
  if (typeof value === 'string') {
    if (chars(value) > GA4_LIMITS.paramValueLength) {
      add(path, 'VALUE_OUT_OF_BOUNDS', `value is longer than ${GA4_LIMITS.paramValueLength} characters (${chars(value)})`);
    }
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) add(path, 'VALUE_INVALID', 'value is not a finite number');
  } else if (typeof value !== 'boolean') {
    add(path, 'VALUE_INVALID', `value ${show(value)} is not a string, number or boolean`);
  }
}

function ga4Items(items, path, add) {
  if (!Array.isArray(items)) return add(path, 'VALUE_INVALID', 'items must be an array of item objects');
  if (items.length > GA4_LIMITS.items) add(path, 'EXCEEDED_MAX_ENTITIES', `more than ${GA4_LIMITS.items} items`);
  items.slice(0, GA4_LIMITS.items).forEach((item, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(item)) return add(at, 'VALUE_INVALID', 'an item must be an object');
    if (item.item_id == null && item.item_name == null) add(at, 'VALUE_REQUIRED', 'an item needs item_id or item_name');
    let custom = 0;
    for (const [key, value] of Object.entries(item)) {
      const bad = ga4Name('item parameter', key, GA4_LIMITS.nameLength, GA4_RESERVED_PARAMS);
      if (bad) add(`${at}.${key}`, ...bad);
      if (!GA4_ITEM_PARAMS.has(key)) custom++;
      ga4ParamValue(value, `${at}.${key}`, add);
    }
    if (custom > GA4_LIMITS.itemCustomParams) {
      add(at, 'EXCEEDED_MAX_ENTITIES', `more than ${GA4_LIMITS.itemCustomParams} custom item parameters (${custom})`);
    }
  });
}

/**
 * What Google's validation server would say of one Measurement Protocol request.
 * @param {{ measurementId?: string | null, apiSecret?: string | null, body: unknown, bytes?: number, now?: number, expectedApiSecret?: string }} request
 * @returns {{ request: import('./stand-ins.d.mts').ValidationMessage[], events: import('./stand-ins.d.mts').ValidationMessage[][] }}
 *   the request's own problems, and each event's (by index)
 */
export function ga4Problems({ measurementId, apiSecret, body, bytes = 0, now = Date.now(), expectedApiSecret }) {
  const request = [];
  const add = (fieldPath, validationCode, description) => void request.push({ fieldPath, description, validationCode });
  if (!measurementId) add('measurement_id', 'VALUE_REQUIRED', 'measurement_id is missing from the query');
  if (!apiSecret) add('api_secret', 'VALUE_REQUIRED', 'api_secret is missing from the query');
  else if (expectedApiSecret !== undefined && apiSecret !== expectedApiSecret) {
    add('api_secret', 'VALUE_INVALID', 'api_secret is not the one this stream issued');
  }
  if (bytes >= GA4_LIMITS.bodyBytes) add('', 'VALUE_OUT_OF_BOUNDS', `the post body is ${bytes} bytes; it must be smaller than 130 kB`);
  if (!isObject(body)) {
    add('', 'VALUE_INVALID', 'the body is not a JSON object (or not JSON)');
    return { request, events: [] };
  }
  for (const key of Object.keys(body)) {
    if (!GA4_BODY_KEYS.has(key)) add(key, 'VALUE_INVALID', `Unable to parse Measurement Protocol JSON payload. Cannot find field: ${key}`);
  }
  if (typeof body.client_id !== 'string' || body.client_id.trim() === '')
    add('client_id', 'VALUE_REQUIRED', 'client_id is missing or not a string');
  if (body.user_id !== undefined) {
    if (typeof body.user_id !== 'string' || body.user_id === '') add('user_id', 'VALUE_INVALID', 'user_id must be a non-empty string');
    else if (chars(body.user_id) > GA4_LIMITS.userIdLength) {
      add('user_id', 'VALUE_OUT_OF_BOUNDS', `user_id is longer than ${GA4_LIMITS.userIdLength} characters`);
    }
  }
  if (body.timestamp_micros !== undefined) ga4Timestamp(body.timestamp_micros, 'timestamp_micros', now, add);
  if (body.non_personalized_ads !== undefined && typeof body.non_personalized_ads !== 'boolean') {
    add('non_personalized_ads', 'VALUE_INVALID', 'non_personalized_ads must be a boolean');
  }
  if (body.consent !== undefined) {
    if (!isObject(body.consent)) add('consent', 'VALUE_INVALID', 'consent must be an object');
    else {
      for (const [key, value] of Object.entries(body.consent)) {
        if (key !== 'ad_user_data' && key !== 'ad_personalization')
          add(`consent.${key}`, 'VALUE_INVALID', `Cannot find field: consent.${key}`);
        else if (value !== 'GRANTED' && value !== 'DENIED') {
          add(`consent.${key}`, 'VALUE_INVALID', `consent.${key} [${show(value)}] must be GRANTED or DENIED`);
        }
      }
    }
  }
  if (body.user_properties !== undefined) {
    if (!isObject(body.user_properties)) add('user_properties', 'VALUE_INVALID', 'user_properties must be an object');
    else {
      const entries = Object.entries(body.user_properties);
      if (entries.length > GA4_LIMITS.userProperties) {
        add('user_properties', 'EXCEEDED_MAX_ENTITIES', `more than ${GA4_LIMITS.userProperties} user properties`);
      }
      for (const [name, property] of entries) {
        const path = `user_properties.${name}`;
        const bad = ga4Name('user property', name, GA4_LIMITS.userPropertyNameLength, GA4_RESERVED_USER_PROPERTIES);
        if (bad) add(path, ...bad);
        if (!isObject(property) || !('value' in property)) add(path, 'VALUE_INVALID', 'a user property is { value, timestamp_micros? }');
        else {
          const { value } = property;
          if (typeof value === 'string' && chars(value) > GA4_LIMITS.userPropertyValueLength) {
            add(`${path}.value`, 'VALUE_OUT_OF_BOUNDS', `value is longer than ${GA4_LIMITS.userPropertyValueLength} characters`);
          } else if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) {
            add(`${path}.value`, 'VALUE_INVALID', 'value must be a string, number or boolean');
          }
          if (property.timestamp_micros !== undefined) ga4Timestamp(property.timestamp_micros, `${path}.timestamp_micros`, now, add);
        }
      }
    }
  }
  const events = [];
  if (!Array.isArray(body.events) || body.events.length === 0) {
    add('events', 'VALUE_REQUIRED', 'events must be a non-empty array');
    return { request, events };
  }
  if (body.events.length > GA4_LIMITS.events) {
    add('events', 'EXCEEDED_MAX_ENTITIES', `${body.events.length} events; a request holds at most ${GA4_LIMITS.events}`);
  }
  body.events.forEach((event, i) => {
    const problems = [];
    const addEvent = (fieldPath, validationCode, description) => void problems.push({ fieldPath, description, validationCode });
    events.push(problems);
    const path = `events[${i}]`;
    if (!isObject(event)) return addEvent(path, 'VALUE_INVALID', 'an event must be an object');
    for (const key of Object.keys(event)) {
      if (!GA4_EVENT_KEYS.has(key)) addEvent(`${path}.${key}`, 'VALUE_INVALID', `Cannot find field: ${key}`);
    }
    const bad = ga4Name('event', event.name, GA4_LIMITS.nameLength, GA4_RESERVED_EVENTS);
    if (bad) addEvent(`${path}.name`, ...bad);
    if (event.timestamp_micros !== undefined) ga4Timestamp(event.timestamp_micros, `${path}.timestamp_micros`, now, addEvent);
    if (event.params === undefined) return;
    if (!isObject(event.params)) return addEvent(`${path}.params`, 'VALUE_INVALID', 'params must be an object');
    const params = Object.entries(event.params);
    if (params.length > GA4_LIMITS.params) {
      addEvent(`${path}.params`, 'EXCEEDED_MAX_ENTITIES', `${params.length} params; an event holds at most ${GA4_LIMITS.params}`);
    }
    for (const [name, value] of params) {
      const at = `${path}.params.${name}`;
      const badParam = ga4Name('parameter', name, GA4_LIMITS.nameLength, GA4_RESERVED_PARAMS);
      if (badParam) addEvent(at, ...badParam);
      if (name === 'items') ga4Items(value, at, addEvent);
      else ga4ParamValue(value, at, addEvent);
    }
  });
  return { request, events };
}

/**
 * What Meta's Graph API would refuse in one Conversions API request body (empty: accepted).
 * @param {{ body: unknown, now?: number }} request
 * @returns {string[]}
 */
export function metaProblems({ body, now = Date.now() }) {
  const problems = [];
  const add = (path, text) => void problems.push(`${path}: ${text}`);
  if (!isObject(body)) return ['body: not a JSON object'];
  const { data } = body;
  if (!Array.isArray(data) || data.length === 0) return ['data: the parameter data is required (an array of 1 to 1000 server events)'];
  if (data.length > META_LIMITS.events) add('data', `${data.length} events; a request holds at most ${META_LIMITS.events}`);
  if (body.test_event_code !== undefined && typeof body.test_event_code !== 'string') add('test_event_code', 'must be a string');
  data.slice(0, META_LIMITS.events).forEach((event, i) => {
    const path = `data[${i}]`;
    if (!isObject(event)) return add(path, 'a server event must be an object');
    for (const key of Object.keys(event)) if (!META_EVENT_KEYS.has(key)) add(`${path}.${key}`, 'is not a server event parameter');
    if (typeof event.event_name !== 'string' || event.event_name === '') add(`${path}.event_name`, 'is required');
    const time = integer(event.event_time);
    if (Number.isNaN(time)) add(`${path}.event_time`, `is required, a Unix time in seconds (got ${show(event.event_time)})`);
    else if (time > 1e11) add(`${path}.event_time`, `${time} looks like milliseconds; event_time is in seconds`);
    else if (now - time * 1000 > META_LIMITS.maxAgeMs) add(`${path}.event_time`, `${time} is more than 7 days in the past`);
    else if (time * 1000 - now > META_LIMITS.futureSkewMs) add(`${path}.event_time`, `${time} is in the future`);
    if (event.event_id !== undefined && (typeof event.event_id !== 'string' || event.event_id === '')) {
      add(`${path}.event_id`, 'must be a non-empty string');
    }
    if (!META_ACTION_SOURCES.has(event.action_source)) {
      add(`${path}.action_source`, `is required, one of ${[...META_ACTION_SOURCES].join(', ')} (got ${show(event.action_source)})`);
    }
    const user = event.user_data;
    if (event.action_source === 'website') {
      let url;
      try {
        url = typeof event.event_source_url === 'string' ? new URL(event.event_source_url) : undefined;
      } catch {
        url = undefined;
      }
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
        add(`${path}.event_source_url`, `is required for website events, an http(s) URL (got ${show(event.event_source_url)})`);
      }
      if (!isObject(user) || typeof user.client_user_agent !== 'string' || user.client_user_agent === '') {
        add(`${path}.user_data.client_user_agent`, 'is required for website events');
      }
    }
    if (!isObject(user)) add(`${path}.user_data`, 'is required, an object of customer information parameters');
    else {
      let known = 0;
      for (const [key, value] of Object.entries(user)) {
        const at = `${path}.user_data.${key}`;
        if (META_HASHED.has(key)) {
          known++;
          const values = Array.isArray(value) ? value : [value];
          if (values.length === 0 || !values.every((v) => typeof v === 'string' && SHA256.test(v))) {
            add(at, `must be a SHA-256 hash (64 lowercase hex digits) or an array of them (got ${show(value)})`);
          }
        } else if (META_PLAIN.has(key)) {
          known++;
          if (typeof value !== 'string' || value === '') add(at, 'must be a non-empty string');
          else if (key === 'client_ip_address' && !isIP(value)) add(at, `[${show(value)}] is not an IPv4 or IPv6 address (never hashed)`);
          else if (key === 'fbc' && !FBC.test(value)) add(at, `[${show(value)}] is not fb.<subdomainIndex>.<creationTime>.<fbclid>`);
          else if (key === 'fbp' && !FBP.test(value)) add(at, `[${show(value)}] is not fb.<subdomainIndex>.<creationTime>.<random>`);
        } else add(at, 'is not a customer information parameter');
      }
      if (known === 0) add(`${path}.user_data`, 'holds no customer information parameter');
    }
    if (event.custom_data !== undefined && !isObject(event.custom_data)) add(`${path}.custom_data`, 'must be an object');
    const custom = isObject(event.custom_data) ? event.custom_data : {};
    if (custom.value !== undefined && (typeof custom.value !== 'number' || !Number.isFinite(custom.value))) {
      add(`${path}.custom_data.value`, `must be a number (got ${show(custom.value)})`);
    }
    if (custom.currency !== undefined && (typeof custom.currency !== 'string' || !/^[A-Za-z]{3}$/.test(custom.currency))) {
      add(`${path}.custom_data.currency`, `must be an ISO 4217 code (got ${show(custom.currency)})`);
    }
    if (event.event_name === 'Purchase') {
      if (custom.value === undefined) add(`${path}.custom_data.value`, 'is required for Purchase events');
      if (custom.currency === undefined) add(`${path}.custom_data.currency`, 'is required for Purchase events');
    }
    if (event.opt_out !== undefined && typeof event.opt_out !== 'boolean') add(`${path}.opt_out`, 'must be a boolean');
  });
  return problems;
}

/** What the §6 collector refuses in a body (empty: accepted). */
function batchProblems(body) {
  if (!isObject(body)) return ['the body is not a JSON object'];
  if (!Array.isArray(body.batch) || body.batch.length === 0) return ['expected {"batch": [event, ...], "sentAt": ISO}'];
  const problems = [];
  if (typeof body.sentAt !== 'string' || Number.isNaN(Date.parse(body.sentAt))) problems.push('sentAt: not an ISO date');
  body.batch.forEach((event, i) => {
    if (!isObject(event)) return problems.push(`batch[${i}]: not an event object`);
    for (const key of ['type', 'messageId', 'timestamp']) {
      if (typeof event[key] !== 'string' || event[key] === '') problems.push(`batch[${i}].${key}: missing`);
    }
    if (typeof event.timestamp === 'string' && Number.isNaN(Date.parse(event.timestamp)))
      problems.push(`batch[${i}].timestamp: not an ISO date`);
  });
  return problems;
}

/** A small seeded generator (mulberry32): the same seed, the same faults. */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const fbtrace = () => randomBytes(8).toString('base64url');
const push = (list, entry) => {
  list.push(entry);
  if (list.length > MAX_ENTRIES) list.splice(0, list.length - MAX_ENTRIES);
};
const formatProblem = ({ fieldPath, description, validationCode }) => `${fieldPath || 'body'}: ${description} (${validationCode})`;
const COMMON = {
  'Cache-Control': 'no-store',
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': '*',
  'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
  'X-Content-Type-Options': 'nosniff',
};

/**
 * Starts the stand-ins on one loopback port (see the top of this file).
 * @param {import('./stand-ins.d.mts').StandInsOptions} [options]
 * @returns {Promise<import('./stand-ins.d.mts').StandIns>}
 */
export function startStandIns({ port = 0, host = '127.0.0.1', apiSecret, accessToken, authorization, now = Date.now, log = false } = {}) {
  const received = { ga4: [], meta: [], http: [] };
  const requestLog = [];
  let fault = null;
  let random = seeded(1);

  const send = (res, status, body, headers = {}) => {
    if (res.headersSent || res.destroyed) return;
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, {
      ...COMMON,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' }),
      'Content-Length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  };

  /** Logs a vendor request; with `log`, prints it once it is answered. */
  const note = (entry, res) => {
    push(requestLog, entry);
    if (!log) return;
    res.once('close', () => {
      const { problems } = entry;
      const extra = problems.length ? ` (${problems.length} problem(s): ${problems[0]}${problems.length > 1 ? ', ...' : ''})` : '';
      console.log(`stand-ins: ${entry.method} ${entry.path} -> ${entry.status}${extra}`);
    });
  };

  function faultFor(route) {
    if (!fault || (fault.routes && !fault.routes.includes(route))) return null;
    if (fault.reset) return { reset: true };
    if (fault.down) return { status: fault.status ?? 503 };
    if (typeof fault.failRatio === 'number') return random() < fault.failRatio ? { status: fault.status ?? 500 } : null;
    if (fault.status) return { status: fault.status };
    return null;
  }

  function answerFault(route, found, res) {
    const headers = fault?.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : {};
    const { status } = found;
    if (route === 'meta') {
      // Graph's transient errors: code 2 (service temporarily unavailable), 4 (request limit).
      const code = status === 429 ? 4 : 2;
      return send(
        res,
        status,
        { error: { message: `stand-in fault: HTTP ${status}`, type: 'OAuthException', code, is_transient: true, fbtrace_id: fbtrace() } },
        headers,
      );
    }
    send(res, status, { error: `stand-in fault: HTTP ${status}` }, headers);
  }

  /** The request body (gunzipped when it says so), or an answer already sent. */
  function readBody(req, res, entry) {
    return new Promise((resolve) => {
      const refuse = (status, error) => {
        entry.status = status;
        entry.problems.push(error);
        send(res, status, { error }, { Connection: 'close' });
        resolve(null);
      };
      if (Number(req.headers['content-length']) > MAX_BODY) {
        refuse(413, 'body larger than 2 MB');
        req.resume();
        return;
      }
      const chunks = [];
      let size = 0;
      let done = false;
      req.on('data', (chunk) => {
        if (done) return;
        size += chunk.length;
        if (size > MAX_BODY) {
          done = true;
          refuse(413, 'body larger than 2 MB');
          return;
        }
        chunks.push(chunk);
      });
      req.on('error', () => {
        if (!done) resolve(null);
        done = true;
      });
      req.on('end', () => {
        if (done) return;
        done = true;
        let buffer = Buffer.concat(chunks);
        const encoding = String(req.headers['content-encoding'] || 'identity').toLowerCase();
        if (encoding === 'gzip') {
          try {
            buffer = gunzipSync(buffer, { maxOutputLength: MAX_BODY });
          } catch {
            return refuse(400, 'the body is not valid gzip, or inflates past 2 MB');
          }
        } else if (encoding !== 'identity') return refuse(415, `unsupported Content-Encoding ${encoding}`);
        resolve({ text: buffer.toString('utf8'), bytes: buffer.length });
      });
    });
  }

  const parseJson = (text) => {
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  };

  function handleGa4(url, body, entry, res, debug) {
    const parsed = parseJson(body.text);
    const measurementId = url.searchParams.get('measurement_id');
    const { request, events } = ga4Problems({
      measurementId,
      apiSecret: url.searchParams.get('api_secret'),
      body: parsed,
      bytes: body.bytes,
      now: now(),
      expectedApiSecret: apiSecret,
    });
    entry.problems.push(...request.map(formatProblem), ...events.flat().map(formatProblem));
    if (debug) {
      entry.status = 200;
      return send(res, 200, { validationMessages: [...request, ...events.flat()] });
    }
    const at = now();
    const payload = isObject(parsed) ? parsed : {};
    const common = {
      at,
      measurementId,
      clientId: typeof payload.client_id === 'string' ? payload.client_id : null,
      userId: typeof payload.user_id === 'string' ? payload.user_id : null,
      consent: isObject(payload.consent) ? payload.consent : null,
      timestampMicros: payload.timestamp_micros ?? null,
      userProperties: isObject(payload.user_properties) ? payload.user_properties : null,
    };
    const list = Array.isArray(payload.events) ? payload.events : [];
    if (list.length === 0) push(received.ga4, { ...common, event: null, problems: request.map(formatProblem) });
    list.forEach((event, i) => {
      push(received.ga4, { ...common, event, problems: [...request, ...(events[i] ?? [])].map(formatProblem) });
    });
    entry.status = 204;
    send(res, 204);
  }

  function handleMeta(url, req, body, match, entry, res) {
    const [, version, pixelId] = match;
    const refuse = (status, code, message, extra = {}, problems = [message]) => {
      entry.status = status;
      entry.problems.push(...problems);
      send(res, status, { error: { message, type: 'OAuthException', code, ...extra, fbtrace_id: fbtrace() } });
    };
    if (!/^\d+$/.test(pixelId)) {
      return refuse(400, 100, `Unsupported post request. Object with ID '${pixelId.slice(0, 40)}' does not exist`, { error_subcode: 33 });
    }
    // Graph takes a JSON body or a form (data as a JSON string), and the token in the query,
    // the body or an Authorization header.
    const type = String(req.headers['content-type'] || '').toLowerCase();
    let parsed;
    if (type.includes('application/x-www-form-urlencoded')) {
      const form = new URLSearchParams(body.text);
      parsed = Object.fromEntries(form);
      if (typeof parsed.data === 'string') parsed.data = parseJson(parsed.data) ?? parsed.data;
    } else {
      parsed = parseJson(body.text);
      if (parsed === undefined) return refuse(400, 100, '(#100) The request body is not JSON');
    }
    const header = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(String(req.headers.authorization || ''))?.[1];
    const token =
      url.searchParams.get('access_token') ||
      (isObject(parsed) && typeof parsed.access_token === 'string' ? parsed.access_token : '') ||
      header;
    if (!token) return refuse(400, 104, 'An access token is required to request this resource.');
    if (accessToken !== undefined && token !== accessToken)
      return refuse(400, 190, 'Invalid OAuth access token - Cannot parse access token');
    const problems = metaProblems({ body: parsed, now: now() });
    if (problems.length) {
      const extra = { error_user_title: 'Invalid parameter', error_user_msg: problems.join('; '), is_transient: false };
      return refuse(400, 100, `(#100) ${problems[0]}`, extra, problems);
    }
    const at = now();
    const testEventCode = typeof parsed.test_event_code === 'string' ? parsed.test_event_code : null;
    for (const event of parsed.data) push(received.meta, { at, pixelId, apiVersion: `v${version}.0`, testEventCode, event });
    entry.status = 200;
    send(res, 200, { events_received: parsed.data.length, messages: [], fbtrace_id: fbtrace() });
  }

  function handleHttp(req, body, entry, res) {
    if (authorization !== undefined && req.headers.authorization !== authorization) {
      entry.status = 401;
      entry.problems.push('the Authorization header is missing or wrong');
      return send(res, 401, { error: 'the Authorization header is missing or wrong' });
    }
    const parsed = parseJson(body.text);
    const problems = parsed === undefined ? ['the body is not JSON'] : batchProblems(parsed);
    if (problems.length) {
      entry.status = 400;
      entry.problems.push(...problems);
      return send(res, 400, { error: problems.join('; ') });
    }
    const at = now();
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([key, value]) => [key, Array.isArray(value) ? value.join(', ') : String(value)]),
    );
    for (const event of parsed.batch) push(received.http, { at, path: entry.path, headers, event, sentAt: parsed.sentAt });
    entry.status = 200;
    send(res, 200, { ok: true });
  }

  async function handle(req, res) {
    const url = new URL(req.url || '/', 'http://stand-ins.invalid');
    const path = url.pathname;
    const method = req.method || 'GET';
    if (method === 'OPTIONS') return send(res, 204);
    if (path === '/received') {
      if (method === 'DELETE') {
        clear();
        return send(res, 204);
      }
      return method === 'GET' ? send(res, 200, snapshot()) : send(res, 405, { error: 'GET or DELETE' });
    }
    if (path === '/requests' && method === 'GET') return send(res, 200, requestLog);
    if (path === '/healthz' && method === 'GET') return send(res, 200, { ok: true });

    const meta = /^\/v(\d+)\.0\/([^/]+)\/events$/.exec(path);
    const route =
      path === '/mp/collect' ? 'ga4' : path === '/debug/mp/collect' ? 'ga4-debug' : meta ? 'meta' : path === '/collect' ? 'http' : null;
    if (!route) return send(res, 404, { error: `no stand-in at ${path.slice(0, 100)}` });
    // The log keeps the path without its query: an api_secret or access_token stays out of it.
    const entry = { at: now(), route, method, path, status: 0, problems: [] };
    note(entry, res);
    if (method !== 'POST') {
      entry.status = 405;
      entry.problems.push('only POST');
      return send(res, 405, { error: 'only POST' }, { Allow: 'POST' });
    }
    const found = faultFor(route);
    if (found?.reset) {
      entry.status = 'reset';
      req.socket.destroy();
      return;
    }
    const body = await readBody(req, res, entry);
    if (!body) return;
    if (found) {
      entry.status = found.status;
      return answerFault(route, found, res);
    }
    if (route === 'ga4' || route === 'ga4-debug') return handleGa4(url, body, entry, res, route === 'ga4-debug');
    if (route === 'meta') return handleMeta(url, req, body, meta, entry, res);
    return handleHttp(req, body, entry, res);
  }

  const snapshot = () => ({ ga4: [...received.ga4], meta: [...received.meta], http: [...received.http] });
  function clear() {
    received.ga4.length = 0;
    received.meta.length = 0;
    received.http.length = 0;
    requestLog.length = 0;
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      // Never reached on any input we know of; a bug here must not end the process.
      if (!res.headersSent) send(res, 500, { error: `stand-in error: ${err?.message ?? err}` });
      else res.destroy();
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      const base = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
      resolve({
        url: base,
        port: address.port,
        ga4Endpoint: base,
        metaEndpoint: base,
        httpUrl: `${base}/collect`,
        received: snapshot,
        requests: () => [...requestLog],
        clear,
        setFault(next) {
          const active = next && (next.down || next.reset || next.status || typeof next.failRatio === 'number');
          fault = active ? { ...next } : null;
          random = seeded(next?.seed ?? 1);
        },
        close() {
          return new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          });
        },
      });
    });
  });
}
