import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load';
import { parseTags } from '../../../src/triggers/load-tags';
import type { ConfigIssue } from '../../../src/config/report';
import { checkTags } from '../../../src/triggers/check';

// As the triggers file reads them: the core passes them on unchecked, then each entry is checked.
function load(input: Record<string, unknown>) {
  const loaded = parseConfig({ version: 1, ...input });
  const issues: ConfigIssue[] = [...loaded.issues];
  return { issues, tags: loaded.tags && parseTags(loaded.tags, issues) };
}

describe('triggers and variables in the config', () => {
  it('keeps the valid entries and names each bad one by its path; a bad one is off alone', () => {
    const loaded = load({
      tagging: true,
      variables: { sku: { type: 'dom', selector: '#p', attribute: 'data-sku' }, bad: { type: 'cookie' }, odd: { type: 'weather' } },
      triggers: [
        { type: 'click', selector: 'button.add', event: 'add_to_cart' },
        { type: 'scroll', percent: [150], event: 'scroll_depth' },
        { type: 'hover', selector: 'a', event: 'x' },
        { type: 'timer', intervalMs: 1000, event: 'engaged', limit: 2 },
      ],
    });
    expect(loaded.issues.map(({ path, message }) => `${path}: ${message}`)).toEqual([
      'variables.bad.name: missing: expected string',
      'variables.odd.type: unknown variable type "weather": expected one of cookie, dom, dataLayer, url, lookup, constant',
      'triggers[1].percent[0]: too big: at most 100',
      'triggers[2].type: unknown trigger type "hover": expected one of click, submit, scroll, visible, timer',
    ]);
    expect(Object.keys(loaded.tags!.variables)).toEqual(['sku']);
    expect(loaded.tags!.triggers.map((t) => t.path)).toEqual(['triggers[0]', 'triggers[3]']);
    expect(loaded.tags!.tagging).toBe(true);
  });

  it('names a variable whose name is not one, with the schema’s rule', () => {
    const loaded = load({ variables: { '9lives': { type: 'constant', value: 9 }, ok: { type: 'constant', value: 1 } } });
    expect(loaded.issues.map(({ path, message }) => `${path}: ${message}`)).toEqual([
      'variables.9lives: invalid variable name "9lives": must be 1-64 letters, digits, _ or -, starting with a letter or _',
    ]);
    expect(Object.keys(loaded.tags!.variables)).toEqual(['ok']);
  });

  it('has no tags section for a config without triggers, variables or tagging', () => {
    expect(load({}).tags).toBeUndefined();
  });
});

describe('checkTags', () => {
  const check = (input: Record<string, unknown>, compiles?: (selector: string) => boolean) => {
    const loaded = load(input);
    expect(loaded.issues).toEqual([]);
    const { tags, issues } = checkTags(loaded.tags!, compiles);
    return { tags, issues: issues.map(({ path, message }) => `${path}: ${message}`) };
  };

  it('accepts every built-in name in the trigger type that sets it, and the config variables', () => {
    const { issues, tags } = check({
      variables: { plan: { type: 'cookie', name: 'plan' }, market: { type: 'lookup', input: '{{page.host}}', map: { 'shop.de': 'EU' } } },
      triggers: [
        {
          type: 'click',
          selector: 'a',
          event: 'c',
          properties: {
            t: '{{click.text}} {{ click.attr.data-sku }}',
            u: '{{click.url}}',
            m: '{{market}}',
            p: '{{plan}}',
            q: '{{page.query.q}}',
            d: '{{dl.cart.value}}',
            k: '{{cookie.x}}',
          },
        },
        { type: 'submit', selector: 'form', event: 's', properties: { f: '{{form.field.email}}', a: '{{form.action}}' } },
        { type: 'scroll', percent: [50], event: 'sc', properties: { p: '{{scroll.percent}}' } },
        {
          type: 'visible',
          selector: '.promo',
          event: 'v',
          properties: { id: '{{element.id}}' },
          when: [{ var: 'page.path', op: 'prefix', value: '/' }],
        },
        { type: 'timer', intervalMs: 1000, event: 't', properties: { n: '{{timer.count}}' } },
      ],
    });
    expect(issues).toEqual([]);
    expect(tags.triggers).toHaveLength(5);
  });

  it('names an unknown {{name}} with a did-you-mean, and a name the trigger type never sets; only those triggers are off', () => {
    const { issues, tags } = check({
      variables: { plan: { type: 'cookie', name: 'plan' } },
      triggers: [
        { type: 'click', selector: 'a', event: 'c', properties: { t: '{{click.txt}}' } },
        { type: 'scroll', percent: [50], event: 'sc', properties: { t: '{{click.text}}' } },
        { type: 'timer', intervalMs: 1000, event: 't', when: [{ var: 'plam', op: 'equals', value: 'gold' }] },
        { type: 'timer', intervalMs: 1000, event: 'ok', properties: { p: '{{plan}}' } },
      ],
    });
    expect(issues).toEqual([
      'triggers[0].properties.t: unknown variable {{click.txt}}: did you mean {{click.text}}?',
      'triggers[1].properties.t: {{click.text}} is set only by click triggers, not by scroll',
      'triggers[2].when[0].var: unknown variable "plam": did you mean "plan"?',
    ]);
    expect(tags.triggers.map((t) => t.trigger.event)).toEqual(['ok']);
  });

  it('refuses a variable cycle, and what uses it', () => {
    const { issues, tags } = check({
      variables: {
        a: { type: 'lookup', input: '{{b}}', map: {} },
        b: { type: 'lookup', input: '{{a}}', map: {} },
        c: { type: 'lookup', input: '{{a}}', map: {} },
        d: { type: 'constant', value: 1 },
      },
      triggers: [{ type: 'timer', intervalMs: 1000, event: 't', properties: { c: '{{c}}', d: '{{d}}' } }],
    });
    expect(issues).toEqual([
      'variables.a.input: variable cycle a → b → a',
      'variables.b.input: variable cycle b → a → b',
      'variables.c.input: uses a variable that has a problem (a)',
      'triggers[0].properties.c: {{c}} is left out: see variables.c',
    ]);
    expect(Object.keys(tags.variables)).toEqual(['d']);
    expect(tags.triggers).toEqual([]);
  });

  it('checks regexes, numbers for gt/lt and, given a compiler, selectors', () => {
    const { issues } = check(
      {
        variables: { price: { type: 'dom', selector: '##', attribute: 'content' } },
        triggers: [
          { type: 'click', selector: 'button[', event: 'c' },
          {
            type: 'timer',
            intervalMs: 1000,
            event: 't',
            when: [
              { var: 'page.path', op: 'regex', value: '(' },
              { var: 'dl.cart.value', op: 'gt', value: 'ten' },
            ],
          },
        ],
      },
      (selector) => !/\[$|##/.test(selector),
    );
    expect(issues).toEqual([
      'variables.price.selector: invalid CSS selector "##"',
      'triggers[0].selector: invalid CSS selector "button["',
      'triggers[1].when[0].value: invalid regular expression "("',
      'triggers[1].when[1].value: "gt" compares numbers: expected a number',
    ]);
  });
});
