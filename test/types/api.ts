// Public-API type tests: checked by `tsc --noEmit` (npm run test:typecheck), never run.
import {
  createAcquaint,
  browserEnv,
  ga4Destination,
  type Acquaint,
  type AcquaintEvent,
  type Config,
  type Adapter,
  type AdapterType,
  type TracedEvent,
} from '../../src/index';

type IsExact<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assert = <T extends true>(_: T): void => undefined;

declare const acquaint: Acquaint;

assert<IsExact<ReturnType<Acquaint['ready']>, Promise<void>>>(true);
assert<IsExact<ReturnType<Acquaint['flush']>, Promise<void>>>(true);
assert<IsExact<ReturnType<Acquaint['get']>, unknown>>(true);
assert<IsExact<Config['version'], 1>>(true);
assert<IsExact<AcquaintEvent['type'], 'track' | 'page' | 'identify'>>(true);

acquaint.on('delivered', ({ destination, messageIds }) => [destination.toUpperCase(), messageIds.length]);
acquaint.on('dropped', ({ reason }) => reason === 'consent_denied');
// @ts-expect-error a report type that does not exist
acquaint.on('sent', () => undefined);
// @ts-expect-error a reason that is never reported
acquaint.on('dropped', ({ reason }) => reason === 'because');
acquaint.consent.update({ analytics: 'granted' });
// @ts-expect-error track needs an event name
acquaint.track();

const instance: Acquaint = createAcquaint({ config: { version: 1 }, env: browserEnv() });
void instance;

const adapter: Adapter<{ url: string }> = {
  id: 'mine',
  purposes: ['analytics'],
  limits: { maxEvents: 10, maxBytes: 10_000 },
  init: ({ url }) => void url,
  send: (batch) => Promise.resolve(batch.length ? { ok: true } : { ok: false, reason: 'empty', retry: false }),
};
void adapter;

// A site's own type, registered on an instance or given to createAcquaint; the built-ins fit too.
const crm: AdapterType<{ key: string }> = {
  type: 'my-crm',
  create: (id, purposes) => ({ ...adapter, id, purposes, init: ({ key }) => void key }),
};
acquaint.register(crm);
acquaint.register(ga4Destination);
createAcquaint({ config: {}, env: browserEnv(), adapters: [crm, ga4Destination] });
// @ts-expect-error a type needs create
acquaint.register({ type: 'x' });
acquaint.on('dropped', ({ reason }) => reason === 'capped' || reason === 'blocked');
assert<IsExact<ReturnType<Acquaint['debug']>, { enabled: boolean; events: TracedEvent[] }>>(true);
assert<IsExact<Config['autoPage'], boolean | 'history' | undefined>>(true);
