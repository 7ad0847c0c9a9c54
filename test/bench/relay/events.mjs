// Page batches as acquaint sends them to a server-mode destination (contract §6 and §9): one
// visitor's events, 20 a batch, each with its own messageId, the visitor's anonymousId and
// session, the page context, the consent stamped on it, a click id for a visitor who came from an
// ad, and GA4 ecommerce properties. About 600 bytes an event as JSON.
import { randomUUID } from 'node:crypto';

const PRODUCTS = [
  { item_id: 'SKU-BOTTLE-02', item_name: 'Steel Water Bottle', item_category: 'Kitchen', price: 24.9 },
  { item_id: 'SKU-BRUSH-01', item_name: 'Bamboo Toothbrush', item_category: 'Bathroom', price: 9.5 },
  { item_id: 'SKU-WRAP-03', item_name: 'Beeswax Food Wraps', item_category: 'Kitchen', price: 14 },
  { item_id: 'SKU-BAG-04', item_name: 'Organic Cotton Tote', item_category: 'Bags', price: 12.9 },
];
const PAGES = PRODUCTS.map((product) => {
  const slug = product.item_name.toLowerCase().replace(/[^a-z]+/g, '-');
  return {
    url: `https://shop.example/products/${slug}`,
    path: `/products/${slug}`,
    referrer: 'https://shop.example/',
    title: product.item_name,
  };
});
const CONSENT = { analytics: 'granted', marketing: 'granted', personalization: 'denied' };
const LIBRARY = { name: 'acquaint', version: '0.1.0' };

/** A visitor: ids kept across their batches. */
export function visitor(n) {
  return {
    anonymousId: randomUUID(),
    sessionId: String(Date.now() - (n % 1800) * 1000),
    userId: n % 5 === 0 ? `member-${n}` : null,
    ...(n % 3 === 0 ? { clickIds: { fbclid: `IwAR${randomUUID().replace(/-/g, '')}` } } : {}),
  };
}

/** The i-th event of a visitor's page session: a page view, then product views, add to carts, a purchase. */
function event(who, i, now) {
  const product = PRODUCTS[i % PRODUCTS.length];
  const page = PAGES[i % PAGES.length];
  const base = {
    anonymousId: who.anonymousId,
    userId: who.userId,
    messageId: randomUUID(),
    timestamp: new Date(now - (20 - i) * 150).toISOString(),
    context: {
      page,
      sessionId: who.sessionId,
      ...(who.clickIds ? { clickIds: who.clickIds } : {}),
      consent: CONSENT,
      library: LIBRARY,
    },
  };
  if (i === 0) return { type: 'page', name: null, properties: {}, ...base };
  const name = i === 19 ? 'purchase' : i % 3 === 0 ? 'add_to_cart' : 'view_item';
  const quantity = name === 'view_item' ? 1 : 1 + (i % 2);
  const ecommerce = {
    currency: 'EUR',
    value: Math.round(product.price * quantity * 100) / 100,
    items: [{ ...product, quantity }],
    ...(name === 'purchase' ? { transaction_id: `T-${base.messageId.slice(0, 8)}` } : {}),
  };
  return { type: 'track', event: name, properties: { ecommerce }, ...base };
}

/** The body of one batch of `size` events from `who`: `{"batch": [...], "sentAt": ISO}`. */
export function batchBody(who, size = 20) {
  const now = Date.now();
  const batch = [];
  for (let i = 0; i < size; i++) batch.push(event(who, i, now));
  return JSON.stringify({ batch, sentAt: new Date(now).toISOString() });
}
