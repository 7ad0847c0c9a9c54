import { toConsentMode } from '../consent/gcm';
import type { AcquaintEvent } from '../events/event';
import { isPlainObject } from '../lib/is';
import type { Ga4Settings } from './ga4-settings';
import { vendorTagType } from './vendor-tag';

// gtag.js reads commands from the array its `l` parameter names. A layer of its own keeps
// Google's tag off window.dataLayer: it sees only what acquaint's consent and rules let through.
const LAYER = 'acquaintGtagLayer';
const GTAG_JS = 'https://www.googletagmanager.com/gtag/js';

/** GA4 event names: letters, digits and _, starting with a letter, at most 40 characters. */
export function ga4EventName(name: string): string {
  const clean = name
    .trim()
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/^[^A-Za-z]+/, '');
  return (clean || 'event').slice(0, 40);
}

// gtag takes ecommerce fields (items, value, currency) at the top level of the parameters.
function parameters(event: AcquaintEvent): Record<string, unknown> {
  const { ecommerce, ...rest } = event.properties;
  return isPlainObject(ecommerce) ? { ...rest, ...ecommerce } : rest;
}

/**
 * The `ga4` destination: Google Analytics 4 through gtag.js. Consent Mode v2 goes first and
 * follows every change; page views are acquaint's own (so single-page apps count right),
 * with gtag's automatic one turned off.
 */
export const ga4Destination = vendorTagType<Ga4Settings>('ga4', (settings, _id, env) => {
  const id = settings.measurementId;
  const src = settings.src ?? GTAG_JS;
  let gtag: (...args: unknown[]) => void = () => undefined;
  let userId: string | null = null;
  return {
    src: `${src}${src.includes('?') ? '&' : '?'}id=${encodeURIComponent(id)}&l=${LAYER}`,
    integrity: settings.integrity,
    crossorigin: settings.crossorigin,
    prepare(consent) {
      const layer = env.defineGlobal?.(LAYER, []) as unknown[];
      // gtag.js tells commands apart from data by their being `arguments` objects.
      gtag = function () {
        // eslint-disable-next-line prefer-rest-params
        layer.push(arguments);
      };
      gtag('consent', 'default', toConsentMode(consent));
      gtag('js', new Date(env.now()));
      gtag('config', id, { ...settings.config, send_page_view: false });
    },
    consentChanged: (consent) => gtag('consent', 'update', toConsentMode(consent)),
    deliver(event) {
      const sendUserId = settings.sendUserId !== false && event.userId !== userId;
      if (sendUserId) {
        userId = event.userId;
        gtag('set', { user_id: userId });
      }
      if (event.type === 'identify') return;
      const common = { send_to: id };
      if (event.type === 'page') {
        const { url, referrer, title } = event.context.page;
        return gtag('event', 'page_view', { ...common, page_location: url, page_referrer: referrer, page_title: title });
      }
      const name = event.event ?? '';
      gtag('event', settings.eventNames?.[name] ?? ga4EventName(name), { ...parameters(event), ...common });
    },
  };
});
