import { hashedBy } from './destination-types';
import type { DestinationConfig, RelayConfig } from './schema';

/** The suffix of the relay half of a `both` destination: its own queue beside the vendor tag's. */
export const RELAY_HALF = ':relay';

/** `<relay.url><path>`: one of the relay's endpoints, as the page reaches it. */
export const relayRoute = (relay: Pick<RelayConfig, 'url'>, path: string): string => `${relay.url.replace(/\/+$/, '')}${path}`;

/** `<relay.url>/v1/batch/<id>`: where the page sends a server-mode destination's events. */
export const relayBatchUrl = (relay: Pick<RelayConfig, 'url'>, id: string): string =>
  relayRoute(relay, `/v1/batch/${encodeURIComponent(id)}`);

/**
 * `<relay.url>/v1/id`, the server-set id cookie's endpoint (contract §10), when `relay.url` is a
 * path on this site: only there is its cookie first-party, and sent with the page's requests.
 */
export const relayIdUrl = (relay: Pick<RelayConfig, 'url'> | undefined): string | undefined =>
  relay?.url.startsWith('/') ? relayRoute(relay, '/v1/id') : undefined;

/**
 * The page's side of server-side tagging (contract §9): a `server` destination becomes a queue of
 * the §6 batch format to the relay, with its rules (and the hashing its type always does) applied
 * in the page; `both` keeps the vendor tag and adds that queue beside it as `<id>:relay`.
 */
export function pageRoutes<D extends DestinationConfig>(destinations: readonly D[], relay: RelayConfig | undefined): D[] {
  return destinations.flatMap((destination) => {
    const { mode, ...rest } = destination;
    if (!relay || !mode || mode === 'browser') return [rest as D];
    // The relay sees one event at a time: a vendor that matches users by traits (Meta's em, ph)
    // gets them with every event as Segment's `context.traits`, only those, hashed like the pixel's.
    const matched = hashedBy(rest.type);
    const toRelay = {
      ...rest,
      id: mode === 'both' ? `${rest.id}${RELAY_HALF}` : rest.id,
      type: 'http',
      hash: [...(rest.hash ?? []), ...matched, ...matched.map((path) => `context.${path}`)],
      settings: { url: relayBatchUrl(relay, rest.id) },
      ...(matched.length ? { contextTraits: matched.map((path) => path.slice('traits.'.length)) } : {}),
    } as D;
    return mode === 'both' ? [rest as D, toRelay] : [toRelay];
  });
}
