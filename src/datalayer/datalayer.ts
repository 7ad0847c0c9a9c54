import { isArguments, isPlainObject, describeValue } from '../lib/is';
import type { Model } from './model';

/** What a pushed function gets as `this`, as in GTM. */
export interface ModelInterface {
  get(path: string): unknown;
  set(path: string, value: unknown): void;
}

export interface DataLayerHandlers {
  /** A pushed object with a string `event` key, after it was merged into the model. */
  event(message: Record<string, unknown>): void;
  /** A pushed `arguments` object, as `gtag()` pushes (`raw` is the object itself). */
  command(args: readonly unknown[], raw: IArguments): void;
  /** A push that threw while processed; the data layer goes on with the next one. */
  error(error: unknown): void;
  debug(message: string): void;
}

export interface DataLayer {
  /** Stops processing pushes and gives the array its previous `push` back. */
  release(): void;
}

/**
 * Adopts a GTM-style array: processes what it already holds, in order, then every later
 * push synchronously inside `push`. A push made while another is processed (from a
 * listener or a pushed function) is queued and runs right after it, in order; so does one
 * made inside a `push` that was there before (another library's listener).
 */
export function adoptDataLayer(array: unknown[], model: Model, handlers: DataLayerHandlers): DataLayer {
  const queue: unknown[] = [];
  let draining = false;
  const modelInterface: ModelInterface = { get: model.get, set: model.set };

  function processOne(item: unknown): void {
    if (isArguments(item)) return handlers.command(Array.prototype.slice.call(item), item);
    if (typeof item === 'function') {
      (item as (this: ModelInterface) => unknown).call(modelInterface);
      return;
    }
    if (!isPlainObject(item))
      return handlers.debug(`ignored a push of ${describeValue(item)}: push objects, functions or gtag() arguments`);
    model.merge(item);
    if (typeof item.event !== 'string' || !item.event) return;
    handlers.event(item);
    // GTM calls eventCallback once the event's tags ran; here the event is queued (or held for
    // consent) by now, and queues survive the navigation such callbacks usually start.
    const callback = item.eventCallback;
    if (typeof callback === 'function') {
      void Promise.resolve()
        .then(() => (callback as () => void)())
        .catch(handlers.error);
    }
  }

  function drain(): void {
    draining = true;
    try {
      // Index walk, not shift(): re-entrant pushes append while we read.
      for (let i = 0; i < queue.length; i++) {
        const item = queue[i];
        queue[i] = undefined;
        try {
          processOne(item);
        } catch (error) {
          handlers.error(error);
        }
      }
    } finally {
      queue.length = 0;
      draining = false;
    }
  }

  const previousPush = array.push;
  let inPrevious = 0;
  // A function expression, not a method: GTM snippets call `dataLayer.push` unbound too.
  const push = function (this: unknown, ...items: unknown[]): number {
    // Queued before the push we wrap runs: when that is another library's (GTM's
    // data-layer-helper loaded first), its listener runs inside it, and what the listener pushes
    // must come after these items. They are processed even if it throws; its error still reaches
    // the caller, as it would without acquaint.
    for (const item of items) queue.push(item);
    inPrevious++;
    try {
      return previousPush.apply(array, items);
    } finally {
      inPrevious--;
      if (!inPrevious && !draining) drain();
    }
  };
  Object.defineProperty(array, 'push', { value: push, configurable: true, writable: true, enumerable: false });
  for (let i = 0; i < array.length; i++) queue.push(array[i]);
  drain();

  return {
    release() {
      if (array.push === push)
        Object.defineProperty(array, 'push', { value: previousPush, configurable: true, writable: true, enumerable: false });
    },
  };
}
