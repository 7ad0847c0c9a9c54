import { describe, expect, it } from 'vitest';
import { fillTemplate } from '../../../src/lib/template';

const values: Record<string, unknown> = { 'dl.total': 42, 'dl.items': [{ id: 'A' }], 'page.query.utm_source': 'news', 'a/b': 'slash' };
const lookup = (name: string): unknown => values[name];

describe('fillTemplate', () => {
  it('keeps the type of a lone {{name}}, with or without spaces', () => {
    expect(fillTemplate('{{dl.total}}', lookup)).toBe(42);
    expect(fillTemplate('{{ dl.items }}', lookup)).toEqual([{ id: 'A' }]);
  });

  it('writes names inside a longer string as text: nothing for a missing one, JSON for an object', () => {
    expect(fillTemplate('from {{page.query.utm_source}}: {{dl.total}} {{dl.missing}}|{{dl.items}}', lookup)).toBe(
      'from news: 42 |[{"id":"A"}]',
    );
  });

  it('reads any name without spaces or braces', () => {
    expect(fillTemplate('{{a/b}}', lookup)).toBe('slash');
    expect(fillTemplate('{{not a name}}', lookup)).toBe('{{not a name}}');
  });

  it('fills strings inside arrays and objects, leaving out a key whose value is undefined and every unsafe key', () => {
    const template: unknown = JSON.parse(
      '{"value":"{{dl.total}}","gone":"{{dl.missing}}","list":["{{page.query.utm_source}}",1],"__proto__":"{{dl.total}}"}',
    );
    const filled = fillTemplate(template, lookup) as Record<string, unknown>;
    expect(filled).toEqual({ value: 42, list: ['news', 1] });
    expect(Object.getPrototypeOf(filled)).toBe(Object.prototype);
  });

  it('evaluates nothing: code in a name is only a name', () => {
    expect(fillTemplate('{{constructor.constructor}}', lookup)).toBeUndefined();
    expect(fillTemplate('{{alert(1)}}', lookup)).toBeUndefined();
  });
});
