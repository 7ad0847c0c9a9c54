import { isPlainObject } from '../../lib/is';
import type { Outcome } from './outcome';

// The Measurement Protocol's limits and names, from its reference and "Limitations"
// (developers.google.com/analytics/devguides/collection/protocol/ga4). GA4 answers 2xx whatever
// it drops, so what would not fit is cut or left out here and counted.
const MAX_PARAMS = 25;
const MAX_VALUE = 100;
// The page fields are longer (support.google.com/analytics/answer/9234069).
const MAX_VALUE_OF: Record<string, number> = { page_location: 1000, page_referrer: 420, page_title: 300 };
const MAX_ITEMS = 200;
const MAX_CUSTOM_ITEM_PARAMS = 10;
/** Event and param names: a letter, then letters, digits and _, 40 at most. */
const NAME = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
const RESERVED_PREFIX = /^(google_|ga_|firebase_)/;
const RESERVED_EVENTS = new Set([
  ...['ad_activeview', 'ad_click', 'ad_exposure', 'ad_query', 'ad_reward', 'adunit_exposure', 'app_background', 'app_clear_data'],
  ...['app_exception', 'app_install', 'app_remove', 'app_store_refund', 'app_update', 'app_upgrade', 'dynamic_link_app_open'],
  ...['dynamic_link_app_update', 'dynamic_link_first_open', 'error', 'first_open', 'first_visit', 'in_app_purchase'],
  ...['notification_dismiss', 'notification_foreground', 'notification_open', 'notification_receive', 'notification_send'],
  ...['os_update', 'screen_view', 'session_start', 'user_engagement'],
]);
/** Item params GA4 defines; any other is one of the 10 custom ones an item may carry. */
const ITEM_PARAMS = new Set([
  ...['item_id', 'item_name', 'affiliation', 'coupon', 'discount', 'index', 'item_brand', 'item_category', 'item_category2'],
  ...['item_category3', 'item_category4', 'item_category5', 'item_list_id', 'item_list_name', 'item_variant', 'location_id'],
  ...['price', 'quantity', 'promotion_id', 'promotion_name', 'creative_name', 'creative_slot'],
]);

type Value = string | number;
type Params = Record<string, Value | Record<string, Value>[]>;

/** A name GA4 keeps for itself: such an event is never recorded. */
export const isReservedEventName = (name: string): boolean => RESERVED_EVENTS.has(name) || RESERVED_PREFIX.test(name);

const isParamName = (name: string): boolean => NAME.test(name) && !RESERVED_PREFIX.test(name);

function cut(text: string, max: number, out: Outcome): string {
  if (text.length <= max) return text;
  out.trim('param_value_cut');
  // Not between the two halves of a surrogate pair (an emoji, say).
  const end = /[\uD800-\uDBFF]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return text.slice(0, end);
}

/** A param value as GA4 takes it (a string or a number), or undefined to leave it out. */
function value(key: string, raw: unknown, out: Outcome): Value | undefined {
  if (raw === null || raw === undefined) return undefined;
  if (typeof raw === 'string') return cut(raw, MAX_VALUE_OF[key] ?? MAX_VALUE, out);
  if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
  // gtag.js sends booleans as text, so GA4 keeps them the same way from the relay.
  if (typeof raw === 'boolean') return String(raw);
  out.trim('param_type_unsupported');
  return undefined;
}

function item(raw: unknown, out: Outcome): Record<string, Value> | undefined {
  if (!isPlainObject(raw)) {
    out.trim('param_type_unsupported');
    return undefined;
  }
  // gtag.js also takes Universal Analytics' `id` and `name` in items; the Measurement Protocol does not.
  const { id, name, ...rest } = raw;
  const clean: Record<string, Value> = {};
  let custom = 0;
  for (const [key, field] of Object.entries({ item_id: id, item_name: name, ...rest })) {
    if (!isParamName(key)) {
      out.trim('param_name_invalid');
      continue;
    }
    const cleaned = value(key, field, out);
    if (cleaned === undefined) continue;
    if (!ITEM_PARAMS.has(key) && ++custom > MAX_CUSTOM_ITEM_PARAMS) out.trim('item_params_over_limit');
    else clean[key] = cleaned;
  }
  // GA4 ignores an item with neither.
  if (clean.item_id !== undefined || clean.item_name !== undefined) return clean;
  out.trim('item_without_id');
  return undefined;
}

function items(list: readonly unknown[], out: Outcome): Record<string, Value>[] {
  out.trim('items_over_limit', list.length - MAX_ITEMS);
  return list.slice(0, MAX_ITEMS).flatMap((raw) => {
    const one = item(raw, out);
    return one ? [one] : [];
  });
}

/**
 * An event's GA4 `params`: `fixed` first (the relay's own), then the properties with
 * `ecommerce`'s fields at the top, as gtag.js takes them; at most 25, each within its limits.
 */
export function ga4Params(fixed: Record<string, unknown>, properties: Record<string, unknown>, out: Outcome): Params {
  const params: Params = {};
  let count = 0;
  const add = (key: string, cleaned: Params[string] | undefined) => {
    if (cleaned === undefined) return;
    if (count >= MAX_PARAMS) return out.trim('params_over_limit');
    params[key] = cleaned;
    count++;
  };
  for (const [key, raw] of Object.entries(fixed)) add(key, value(key, raw, out));
  const { ecommerce, ...rest } = properties;
  for (const [key, raw] of Object.entries(isPlainObject(ecommerce) ? { ...rest, ...ecommerce } : rest)) {
    if (Object.prototype.hasOwnProperty.call(fixed, key)) continue;
    if (!isParamName(key)) out.trim('param_name_invalid');
    else add(key, key === 'items' && Array.isArray(raw) ? items(raw, out) : value(key, raw, out));
  }
  return params;
}
