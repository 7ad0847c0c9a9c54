import type { ConsentChoices } from '../consent/consent';
import type { AcquaintEvent } from '../events/event';
import type { Adapter, AdapterEnv, AdapterType, SendResult } from './adapter';

/** What a vendor tag adapter describes; vendor-tag.ts does the loading, the timing and the errors. */
export interface VendorTag {
  src: string;
  integrity?: string | undefined;
  crossorigin?: string | undefined;
  /** Once, when the destination is first allowed, before the script loads: stubs, consent, init calls. */
  prepare(consent: ConsentChoices): void;
  /** Once, right after the script loaded, before any event. */
  loaded?(): void;
  /** Consent changed after that (Consent Mode and the like). */
  consentChanged?(consent: ConsentChoices, allowed: boolean): void;
  /** The vendor calls for one event (it has passed consent and the destination's rules). */
  deliver(event: AcquaintEvent): void | Promise<void>;
}

/** Calls a vendor global: a function with the arguments, or a queue array (`_paq`) with them pushed. */
export function callGlobal(env: AdapterEnv, name: string, args: readonly unknown[]): void {
  const target = env.global?.(name) as ((...args: unknown[]) => unknown) | { push?: (item: unknown) => unknown } | undefined;
  if (typeof target === 'function') target(...args);
  else if (target && typeof target.push === 'function') target.push([...args]);
  else throw new Error(`${name} is not defined on the page`);
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * A destination that is a vendor's script tag. Nothing of the vendor is defined or fetched
 * before the destination is first allowed; then `prepare` runs, the script loads, and events
 * become calls. A load failure rejects `permit` (reported through `on('error')`) and makes
 * sends retry later, without holding up other destinations.
 */
export function vendorTagType<Settings>(
  type: string,
  describe: (settings: Settings, id: string, env: AdapterEnv) => VendorTag,
): AdapterType<Settings> {
  return {
    type,
    create(id, purposes, env): Adapter<Settings> {
      let tag: VendorTag | undefined;
      let loading: Promise<void> | undefined;
      let loaded = false;
      let prepared = false;
      let consent: ConsentChoices = {};

      function load(): Promise<void> {
        if (!env.loadScript) return Promise.reject(new Error('this environment cannot load scripts'));
        if (!loading) {
          // Once per page: a retried load must not queue the vendor's init calls twice.
          if (!prepared) tag!.prepare(consent);
          prepared = true;
          loading = env
            .loadScript(tag!.src, {
              ...(tag!.integrity ? { integrity: tag!.integrity } : {}),
              ...(tag!.crossorigin ? { crossorigin: tag!.crossorigin } : {}),
            })
            .then(
              () => {
                loaded = true;
                try {
                  tag!.loaded?.();
                } catch {
                  // a vendor global that is missing fails each send too, where it is reported
                }
              },
              (error: unknown) => {
                loading = undefined; // the next send or grant tries again
                throw error;
              },
            );
        }
        return loading;
      }

      return {
        id,
        purposes,
        limits: { maxEvents: 100, maxBytes: 1_000_000 },
        init(settings) {
          tag = describe(settings, id, env);
        },
        async permit(allowed, state) {
          consent = state;
          if (prepared) tag!.consentChanged?.(state, allowed);
          if (allowed && !loaded) await load();
        },
        async send(batch): Promise<SendResult> {
          try {
            await load();
          } catch (error) {
            return { ok: false, reason: message(error), retry: true };
          }
          try {
            for (const event of batch) await tag!.deliver(event);
            return { ok: true };
          } catch (error) {
            return { ok: false, reason: `${type}: ${message(error)}`, retry: false };
          }
        },
        // Vendor calls are synchronous hand-overs; the vendor's own code sends them on.
        beacon(batch) {
          if (!loaded) return false;
          for (const event of batch) void Promise.resolve(tag!.deliver(event)).catch(() => undefined);
          return true;
        },
      };
    },
  };
}
