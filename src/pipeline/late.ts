import type { ConsentChoices } from '../consent/consent';
import type { Adapter, AdapterEnv, AdapterType, SendResult } from '../destinations/adapter';

// What a destination can take before its adapter says: as much as the http one.
const LIMITS = { maxEvents: 500, maxBytes: 500_000 };

/**
 * Stands in for a destination whose type is not here yet: a built-in tag's file still to
 * load, or a site's adapter still to `register`. Its events queue (and persist) as usual;
 * the adapter is made when its type arrives, which `arrive` starts only once the destination
 * is first allowed, so nothing is fetched before consent.
 */
export function lateAdapter(
  id: string,
  purposes: readonly string[],
  settings: unknown,
  arrive: () => Promise<AdapterType>,
  env: AdapterEnv,
  arrived: () => void,
): Adapter {
  let real: Adapter | undefined;
  let refused: string | undefined;
  let arriving: Promise<Adapter> | undefined;
  let permitted: [boolean, ConsentChoices] | undefined;

  const ready = (): Promise<Adapter> =>
    (arriving ??= arrive().then(
      (type) => {
        const adapter = type.create(id, purposes, env);
        try {
          adapter.init(settings as never);
        } catch (error) {
          refused = `${type.type} settings refused: ${error instanceof Error ? error.message : String(error)}`;
          throw new Error(refused);
        }
        real = adapter;
        arrived();
        return adapter;
      },
      (error: unknown) => {
        arriving = undefined; // the next send or grant tries again
        throw error;
      },
    ));

  return {
    id,
    purposes,
    get limits() {
      return real?.limits ?? LIMITS;
    },
    init: () => undefined, // the real adapter gets the settings when it arrives
    async send(batch, options): Promise<SendResult> {
      if (refused) return { ok: false, reason: refused, retry: false };
      try {
        return await (await ready()).send(batch, options);
      } catch (error) {
        return { ok: false, reason: refused ?? String(error), retry: !refused };
      }
    },
    beacon: (batch) => real?.beacon?.(batch) ?? false,
    // A site's own type may never register: its events wait in the queue rather than hold up flush().
    waiting: () => !real && !refused,
    async permit(allowed, consent) {
      permitted = [allowed, consent];
      if (!allowed && !real) return;
      const adapter = await ready();
      // Only the latest state matters: an older call may finish after a newer one.
      if (permitted[0] === allowed && permitted[1] === consent) await adapter.permit?.(allowed, consent);
    },
  };
}
