import type { AcquaintEvent } from '../events/event';
import { isPlainObject } from '../lib/is';
import { isSha256Hex, normaliseForHash } from '../lib/normalise';
import type { MetaPixelSettings } from './meta-pixel-settings';
import { callGlobal, vendorTagType } from './vendor-tag';

const FBEVENTS_JS = 'https://connect.facebook.net/en_US/fbevents.js';

/** acquaint names (GA4-style and Segment-spec) → Meta standard events. */
const STANDARD: Record<string, string> = {
  page: 'PageView',
  view_item: 'ViewContent',
  'Product Viewed': 'ViewContent',
  add_to_cart: 'AddToCart',
  'Product Added': 'AddToCart',
  add_to_wishlist: 'AddToWishlist',
  begin_checkout: 'InitiateCheckout',
  'Checkout Started': 'InitiateCheckout',
  add_payment_info: 'AddPaymentInfo',
  purchase: 'Purchase',
  'Order Completed': 'Purchase',
  sign_up: 'CompleteRegistration',
  generate_lead: 'Lead',
  search: 'Search',
  'Products Searched': 'Search',
};
const STANDARD_NAMES = new Set(Object.values(STANDARD));

/** The Meta name of an event: `settings.eventNames`, then the standard map, else its own (a custom event). */
export function metaEventName(event: AcquaintEvent, settings: MetaPixelSettings): string {
  const name = event.type === 'page' ? 'page' : (event.event ?? '');
  const mapped = settings.eventNames?.[name] ?? STANDARD[name] ?? name;
  // Not an inherited member such as `constructor`, for an event of that name.
  return typeof mapped === 'string' ? mapped : name;
}

type Item = Record<string, unknown>;
const itemId = (item: Item): unknown => item.item_id ?? item.product_id ?? item.id ?? item.sku;

/** Meta's parameters from GA4-style `ecommerce` or flat Segment-style properties. */
export function pixelParameters(properties: Record<string, unknown>): Record<string, unknown> {
  const source = isPlainObject(properties.ecommerce) ? { ...properties, ...properties.ecommerce } : properties;
  const items = (Array.isArray(source.items) ? source.items : Array.isArray(source.products) ? source.products : []).filter(isPlainObject);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source))
    if (key !== 'ecommerce' && (typeof value !== 'object' || value === null)) out[key] = value;
  if (source.search_term !== undefined) out.search_string = source.search_term;
  if (items.length) {
    out.content_ids = items.map(itemId);
    out.contents = items.map((item) => ({ id: itemId(item), quantity: item.quantity ?? 1 }));
    out.content_type = 'product';
    out.num_items = items.length;
  }
  return out;
}

/**
 * The `meta-pixel` destination: Meta Pixel through fbevents.js. Automatic collection is off
 * unless asked for; every event carries its messageId as `eventID` (deduplication with the
 * Conversions API); the user is matched only by SHA-256 of `external_id` and `em`, never in the clear,
 * and by the session's `fbclid` as `fbc`.
 */
export const metaPixelDestination = vendorTagType<MetaPixelSettings>('meta-pixel', (settings, _id, env) => {
  const pixel = settings.pixelId;
  const fbq = (...args: unknown[]): void => callGlobal(env, 'fbq', args);
  let matched = '{}';

  // Advanced matching: what is known of the user, hashed; it starts again when the userId changes.
  let user: Record<string, string> = {};
  let userId: string | null = null;
  // Meta's click id parameter, fb.1.<ms first seen>.<fbclid>: kept as it is, not hashed.
  // https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/fbp-and-fbc/
  const clicks = new Map<string, string>();
  const fbc = (event: AcquaintEvent): Record<string, string> => {
    const fbclid = event.context.clickIds?.fbclid;
    if (!fbclid) return {};
    if (!clicks.has(fbclid)) clicks.set(fbclid, `fb.1.${Date.parse(event.timestamp)}.${fbclid}`);
    return { fbc: clicks.get(fbclid)! };
  };
  async function matching(event: AcquaintEvent): Promise<Record<string, string>> {
    if (settings.advancedMatching === false || !env.sha256) return user;
    const hash = async (value: string) => (isSha256Hex(value) ? value : env.sha256!(normaliseForHash(value)));
    if (event.userId !== userId) {
      userId = event.userId;
      user = userId ? { external_id: await hash(userId) } : {};
    }
    const email = event.traits?.email;
    if (typeof email === 'string' && email) user = { ...user, em: await hash(email) };
    return user;
  }

  return {
    src: settings.src ?? FBEVENTS_JS,
    integrity: settings.integrity,
    crossorigin: settings.crossorigin,
    prepare() {
      // The command queue Meta's own snippet defines, so calls made before the load are kept.
      const queue: unknown[] = [];
      const stub = Object.assign(
        function (...args: unknown[]) {
          if (typeof stub.callMethod === 'function') stub.callMethod(...args);
          else queue.push(args);
        },
        { queue, loaded: true, version: '2.0', callMethod: undefined as undefined | ((...args: unknown[]) => void) },
      );
      const defined = env.defineGlobal?.('fbq', Object.assign(stub, { push: stub }));
      env.defineGlobal?.('_fbq', defined);
      if (settings.autoConfig !== true) fbq('set', 'autoConfig', false, pixel);
      fbq('consent', 'grant');
      fbq('init', pixel);
    },
    consentChanged: (_consent, allowed) => fbq('consent', allowed ? 'grant' : 'revoke'),
    async deliver(event) {
      const known = { ...(await matching(event)), ...fbc(event) };
      const key = JSON.stringify(known);
      if (key !== matched) {
        matched = key;
        fbq('init', pixel, known);
      }
      if (event.type === 'identify') return;
      const mapped = metaEventName(event, settings);
      const parameters = event.type === 'page' ? {} : pixelParameters(event.properties);
      fbq(STANDARD_NAMES.has(mapped) ? 'track' : 'trackCustom', mapped, parameters, { eventID: event.messageId });
    },
  };
});
