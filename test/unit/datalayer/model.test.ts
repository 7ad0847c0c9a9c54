import { describe, expect, it, vi } from 'vitest';
import { createModel } from '../../../src/datalayer/model';

const setup = () => {
  const skipped = vi.fn();
  return { model: createModel(skipped), skipped };
};

describe('model merge', () => {
  it('merges plain objects recursively', () => {
    const { model } = setup();
    model.merge({ user: { plan: 'free', country: 'DE' } });
    model.merge({ user: { plan: 'pro' } });
    expect(model.get('user')).toEqual({ plan: 'pro', country: 'DE' });
  });

  it('merges an array pushed over an array index by index', () => {
    const { model } = setup();
    model.merge({ items: ['a', 'b', 'c'] });
    model.merge({ items: ['x'] });
    expect(model.get('items')).toEqual(['x', 'b', 'c']);
  });

  it('overwrites every other value, including null and a type change', () => {
    const { model } = setup();
    model.merge({ ecommerce: { value: 10 } });
    model.merge({ ecommerce: null });
    expect(model.get('ecommerce')).toBeNull();
    model.merge({ ecommerce: { value: 5 } });
    model.merge({ ecommerce: [1] });
    expect(model.get('ecommerce')).toEqual([1]);
  });

  it('replaces instead of merging when the object has _clear: true', () => {
    const { model } = setup();
    model.merge({ cart: { a: 1, b: 2 } });
    model.merge({ cart: { _clear: true, c: 3 } });
    expect(model.get('cart')).toEqual({ c: 3 });
  });

  it('expands dotted keys into nested values', () => {
    const { model } = setup();
    model.merge({ 'ecommerce.value': 10, 'ecommerce.currency': 'EUR' });
    expect(model.get('ecommerce')).toEqual({ value: 10, currency: 'EUR' });
    model.set('a.b.c', 1);
    expect(model.get('a.b.c')).toBe(1);
  });

  it('copies pushed objects, so later page mutations do not change the model', () => {
    const { model } = setup();
    const pushed = { cart: { items: [{ id: 1 }] } };
    model.merge(pushed);
    pushed.cart.items[0]!.id = 2;
    expect(model.get('cart.items.0.id')).toBe(1);
  });

  it('reads only own properties', () => {
    const { model } = setup();
    model.merge({ a: {} });
    expect(model.get('a.constructor')).toBeUndefined();
    expect(model.get('toString')).toBeUndefined();
    expect(model.get('missing.deep.path')).toBeUndefined();
  });
});

describe('model safety', () => {
  const unsafe = ['__proto__', 'constructor', 'prototype'];

  it.each(unsafe)('skips %s at top level and reports it', (key) => {
    const { model, skipped } = setup();
    model.merge(JSON.parse(`{"${key}": {"polluted": "yes"}, "ok": 1}`) as Record<string, unknown>);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(model.get('ok')).toBe(1);
    expect(skipped).toHaveBeenCalledWith('unsafe_key', key);
  });

  it.each(unsafe)('skips %s nested and in arrays', (key) => {
    const { model, skipped } = setup();
    model.merge(
      JSON.parse(`{"a": {"${key}": {"polluted": "yes"}, "b": 2}, "list": [{"${key}": {"polluted": "yes"}}]}`) as Record<string, unknown>,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(model.get('a.b')).toBe(2);
    expect(skipped).toHaveBeenCalledWith('unsafe_key', `a.${key}`);
    expect(skipped).toHaveBeenCalledWith('unsafe_key', `list.0.${key}`);
  });

  it.each(unsafe)('skips a dotted key through %s', (key) => {
    const { model, skipped } = setup();
    model.merge({ [`${key}.polluted`]: 'yes', [`a.${key}.polluted`]: 'yes' });
    model.set(`${key}.polluted`, 'yes');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(model.get('a')).toBeUndefined();
    expect(skipped).toHaveBeenCalledTimes(3);
  });

  it('stops on a cycle, keeps the rest and reports the path', () => {
    const { model, skipped } = setup();
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const list: unknown[] = [1];
    list.push(list);
    model.merge({ cyclic, list, after: true });
    expect(model.get('cyclic.name')).toBe('loop');
    expect(model.get('cyclic.self')).toEqual({});
    expect(model.get('after')).toBe(true);
    expect(skipped).toHaveBeenCalledWith('cycle', 'cyclic.self');
    expect(skipped).toHaveBeenCalledWith('cycle', 'list.1');
  });

  it('does not overflow the stack on very deep input', () => {
    const { model, skipped } = setup();
    let deep: Record<string, unknown> = {};
    const top = deep;
    for (let i = 0; i < 10_000; i++) deep = deep.next = {};
    expect(() => model.merge({ top })).not.toThrow();
    expect(skipped).toHaveBeenCalledWith('too_deep', expect.stringMatching(/^top(\.next)+$/));
  });

  it('stores exotic values by reference without walking them', () => {
    const { model } = setup();
    const date = new Date(0);
    const map = new Map([['k', 1]]);
    model.merge({ date, map });
    expect(model.get('date')).toBe(date);
    expect(model.get('map')).toBe(map);
  });
});
