import { describe, expect, it, vi } from 'vitest';
import { adoptDataLayer, type DataLayerHandlers, type ModelInterface } from '../../../src/datalayer/datalayer';
import { createModel } from '../../../src/datalayer/model';

function setup(initial: unknown[] = []) {
  const array = initial;
  const model = createModel(() => undefined);
  const seen: string[] = [];
  const handlers: DataLayerHandlers = {
    event: vi.fn((message: Record<string, unknown>) => void seen.push(String(message.event))),
    command: vi.fn(),
    error: vi.fn(),
    debug: vi.fn(),
  };
  const layer = adoptDataLayer(array, model, handlers);
  return { array, model, handlers, seen, layer };
}

describe('adoptDataLayer', () => {
  it('processes what was pushed before adoption, in order', () => {
    const { seen, model } = setup([{ event: 'a' }, { page_type: 'home' }, { event: 'b' }]);
    expect(seen).toEqual(['a', 'b']);
    expect(model.get('page_type')).toBe('home');
  });

  it('processes later pushes synchronously and keeps the array push result', () => {
    const { array, seen } = setup([{ event: 'early' }]);
    const length = array.push({ event: 'late' }, { event: 'later' });
    expect(length).toBe(3);
    expect(array).toHaveLength(3);
    expect(seen).toEqual(['early', 'late', 'later']);
  });

  it('runs a push made from a pushed function after it, in order', () => {
    const { array, seen } = setup();
    array.push(
      function (this: ModelInterface) {
        array.push({ event: 'inner-1' });
        seen.push('function-end');
        array.push({ event: 'inner-2' });
      },
      { event: 'outer-next' },
    );
    expect(seen).toEqual(['function-end', 'outer-next', 'inner-1', 'inner-2']);
  });

  it('runs a push made from an event handler after the current one', () => {
    const array: unknown[] = [];
    const seen: string[] = [];
    adoptDataLayer(
      array,
      createModel(() => undefined),
      {
        event(message) {
          seen.push(String(message.event));
          if (message.event === 'first') array.push({ event: 'from-handler' });
        },
        command: vi.fn(),
        error: vi.fn(),
        debug: vi.fn(),
      },
    );
    array.push({ event: 'first' }, { event: 'second' });
    expect(seen).toEqual(['first', 'second', 'from-handler']);
  });

  it('binds this to get and set for a pushed function', () => {
    const { array, model } = setup([{ cart: { count: 1 } }]);
    array.push(function (this: ModelInterface) {
      this.set('cart.count', (this.get('cart.count') as number) + 1);
    });
    expect(model.get('cart.count')).toBe(2);
  });

  it('reports a throwing function and goes on with the next push', () => {
    const { array, handlers, model, seen } = setup();
    array.push(() => {
      throw new Error('boom');
    });
    array.push({ event: 'after', ok: true });
    expect(handlers.error).toHaveBeenCalledWith(expect.objectContaining({ message: 'boom' }));
    expect(model.get('ok')).toBe(true);
    expect(seen).toEqual(['after']);
  });

  it('keeps working after an event handler throws', () => {
    const array: unknown[] = [];
    const error = vi.fn();
    const model = createModel(() => undefined);
    adoptDataLayer(array, model, {
      event() {
        throw new Error('listener');
      },
      command: vi.fn(),
      error,
      debug: vi.fn(),
    });
    array.push({ event: 'a' });
    array.push({ value: 2 });
    expect(error).toHaveBeenCalledTimes(1);
    expect(model.get('value')).toBe(2);
  });

  it('routes arguments objects to the command handler', () => {
    const { array, handlers } = setup();
    function gtag(..._args: unknown[]) {
      // eslint-disable-next-line prefer-rest-params
      array.push(arguments);
    }
    gtag('consent', 'update', { analytics_storage: 'granted' });
    expect(handlers.command).toHaveBeenCalledWith(
      ['consent', 'update', { analytics_storage: 'granted' }],
      expect.objectContaining({ length: 3 }),
    );
  });

  it.each([null, undefined, 5, 'str', true, Symbol('s'), [1, 2], new Date()])('ignores a push of %s with a debug message', (value) => {
    const { array, handlers } = setup();
    expect(() => array.push(value)).not.toThrow();
    expect(handlers.debug).toHaveBeenCalledTimes(1);
    expect(handlers.event).not.toHaveBeenCalled();
  });

  it('does not treat a non-string event as an event', () => {
    const { array, seen, model } = setup();
    array.push({ event: 42 }, { event: '' });
    expect(seen).toEqual([]);
    expect(model.get('event')).toBe('');
  });

  it('chains a push wrapper installed before it', () => {
    const array: unknown[] = [];
    const before = vi.fn(Array.prototype.push);
    array.push = before;
    const { seen } = (() => {
      const seen: string[] = [];
      adoptDataLayer(
        array,
        createModel(() => undefined),
        { event: (m) => void seen.push(String(m.event)), command: vi.fn(), error: vi.fn(), debug: vi.fn() },
      );
      return { seen };
    })();
    expect(array.push({ event: 'x' })).toBe(1);
    expect(before).toHaveBeenCalledTimes(1);
    expect(seen).toEqual(['x']);
  });

  it('gives the array its previous push back on release', () => {
    const array: unknown[] = [];
    const original = array.push;
    const { layer, seen } = (() => setup(array))();
    layer.release();
    expect(array.push).toBe(original);
    array.push({ event: 'after-release' });
    expect(seen).toEqual([]);
  });
});

/**
 * Wraps `array.push` the way Google's data-layer-helper does: the previous push first, then each
 * item to the listener; a push made from the listener waits in the helper's own queue.
 */
function wrapLikeDataLayerHelper(array: unknown[], listener: (message: unknown) => void): void {
  const oldPush = array.push;
  const unprocessed: unknown[] = [];
  let executing = false;
  array.push = function (...items: unknown[]): number {
    const result = oldPush.apply(array, items);
    unprocessed.push(...items);
    while (!executing && unprocessed.length) {
      const item = unprocessed.shift();
      executing = true;
      listener(item);
      executing = false; // not in a finally, as in data-layer-helper: a throw leaves it set
    }
    return result;
  };
}

describe('next to a data-layer-helper that wrapped push first', () => {
  function setupAfterHelper(listener: (message: unknown, array: unknown[]) => void) {
    const array: unknown[] = [];
    const helperSeen: unknown[] = [];
    wrapLikeDataLayerHelper(array, (message) => {
      helperSeen.push((message as { event?: unknown }).event);
      listener(message, array);
    });
    const ours = setup(array);
    return { ...ours, helperSeen };
  }

  it('runs a push made by the helper listener after the push that caused it, as the helper does', () => {
    const { array, seen, helperSeen } = setupAfterHelper((message, array) => {
      if ((message as { event?: unknown }).event === 'ping') array.push({ event: 'pong' });
    });
    array.push({ event: 'ping' }, { event: 'next' });
    array.push({ event: 'last' });
    expect(helperSeen).toEqual(['ping', 'next', 'pong', 'last']);
    expect(seen).toEqual(helperSeen);
    expect(array.map((item) => (item as { event: string }).event)).toEqual(helperSeen);
  });

  it('returns the length the wrapped push returned', () => {
    const { array } = setupAfterHelper((message, array) => {
      if ((message as { event?: unknown }).event === 'ping') array.push({ event: 'pong' });
    });
    expect(array.push({ event: 'a' })).toBe(1);
    expect(array.push({ event: 'ping' })).toBe(2);
    expect(array).toHaveLength(3);
  });

  it('processes a push whose wrapped push threw, lets the error through, and takes later pushes', () => {
    const { array, seen, model } = setupAfterHelper((message) => {
      if ((message as { event?: unknown }).event === 'bad') throw new Error('helper listener');
    });
    expect(() => array.push({ event: 'bad', x: 1 })).toThrow('helper listener');
    expect(array.push({ event: 'after', x: 2 })).toBe(2);
    expect(seen).toEqual(['bad', 'after']);
    expect(model.get('x')).toBe(2);
  });
});

describe('eventCallback', () => {
  it('is called once, after the event was handed on, and a throwing one is reported', async () => {
    const order: string[] = [];
    const errors: unknown[] = [];
    const array: unknown[] = [];
    adoptDataLayer(
      array,
      createModel(() => undefined),
      {
        event: (message) => void order.push(`event ${String(message.event)}`),
        command: () => undefined,
        error: (error) => void errors.push(error),
        debug: () => undefined,
      },
    );
    array.push({ event: 'purchase', eventCallback: () => order.push('callback') });
    array.push({
      event: 'boom',
      eventCallback: () => {
        throw new Error('x');
      },
    });
    expect(order).toEqual(['event purchase', 'event boom']);
    await Promise.resolve();
    await Promise.resolve();
    expect(order).toEqual(['event purchase', 'event boom', 'callback']);
    expect(errors).toHaveLength(1);
  });
});
