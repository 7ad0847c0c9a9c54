import { describe, expect, it } from 'vitest';
import { taggedMessage } from '../../../src/triggers/tagging';

// Unit tests run in Node: a minimal element with `attributes` and `getAttribute` is all taggedMessage reads.
function element(attributes: Record<string, string>): Element {
  const list = Object.entries(attributes).map(([name, value]) => ({ name, value }));
  return {
    attributes: list,
    getAttribute: (name: string) => list.find((attribute) => attribute.name === name)?.value ?? null,
  } as unknown as Element;
}

describe('taggedMessage', () => {
  it('turns data-acquaint-* attributes into the event and its properties', () => {
    expect(
      taggedMessage(
        element({ class: 'buy', 'data-acquaint-event': 'add_to_cart', 'data-acquaint-product-id': '7', 'data-acquaint-name': 'Blue mug' }),
      ),
    ).toEqual({ event: 'add_to_cart', product_id: 7, name: 'Blue mug' });
  });

  it('types booleans and canonical decimal numbers, and keeps the rest as text', () => {
    const message = taggedMessage(
      element({
        'data-acquaint-event': 'x',
        'data-acquaint-yes': 'true',
        'data-acquaint-no': 'false',
        'data-acquaint-upper': 'True',
        'data-acquaint-price': '19.99',
        'data-acquaint-neg': '-3',
        'data-acquaint-zero': '0',
        'data-acquaint-padded': '007',
        'data-acquaint-exp': '1e5',
        'data-acquaint-spaced': ' 5',
        'data-acquaint-empty': '',
        'data-acquaint-big': '12345678901234567890',
        'data-acquaint-dot': '5.',
      }),
    );
    expect(message).toEqual({
      event: 'x',
      yes: true,
      no: false,
      upper: 'True',
      price: 19.99,
      neg: -3,
      zero: 0,
      padded: '007',
      exp: '1e5',
      spaced: ' 5',
      empty: '',
      big: '12345678901234567890',
      dot: '5.',
    });
  });

  it('returns undefined without an event name, or with an empty or blank one', () => {
    expect(taggedMessage(element({ 'data-acquaint-product-id': '7' }))).toBeUndefined();
    expect(taggedMessage(element({ 'data-acquaint-event': '' }))).toBeUndefined();
    expect(taggedMessage(element({ 'data-acquaint-event': '  \n' }))).toBeUndefined();
  });

  it('skips unsafe keys and never lets a property replace the event name', () => {
    const message = taggedMessage(
      element({
        'data-acquaint-event': 'safe',
        'data-acquaint-__proto__': '{"polluted":1}',
        'data-acquaint---proto--': 'x',
        'data-acquaint-constructor': 'x',
        'data-acquaint-prototype': 'x',
        'data-acquaint-': 'x',
      }),
    );
    expect(message).toEqual({ event: 'safe' });
    expect(Object.getPrototypeOf(message)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('ignores attributes without the prefix, data-* of other tools included', () => {
    expect(taggedMessage(element({ 'data-acquaint-event': 'e', 'data-gtm-id': '1', id: 'x', 'data-acquaintance': 'y' }))).toEqual({
      event: 'e',
    });
  });
});
