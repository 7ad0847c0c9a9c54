import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/main';

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const files: Record<string, string> = {
    'bad.json': JSON.stringify({
      version: 1,
      autopage: true,
      consent: { defaults: { analytics: 'maybe' }, honorGPC: true },
      destinations: [
        { id: 'ga4', type: 'ga4', purposes: ['analytics'], settings: { measurementID: 'G-1' } },
        { id: 'meta', type: 'http', purposes: ['ads'], settings: { url: '/v1' }, caps: [{ event: 'x', max: 1, per: 'week' }] },
        { id: 'crm', type: 'my-crm', purposes: ['analytics'] },
      ],
    }),
    'broken.json': '{ "version": 1,',
    'gpp.json': JSON.stringify({
      version: 1,
      consent: { gpp: { sections: ['usnat', 'usca'], purposes: { marketing: ['SaleOptOut', 'SharingOptout'] } } },
    }),
    'tags.json': JSON.stringify({
      $schema: './node_modules/acquaint/dist/acquaint.schema.json',
      version: 1,
      variables: { plan: { type: 'cookie', name: 'plan' }, loop: { type: 'lookup', input: '{{loop}}', map: {} } },
      triggers: [
        { type: 'click', selector: 'a', links: 'outbund', event: 'x' },
        { type: 'scroll', percent: [50], event: 'depth', properties: { p: '{{scroll.percnt}}', plan: '{{pln}}' } },
        { type: 'visible', selector: '.promo', event: 'seen', mnMs: 5 },
      ],
    }),
  };
  const code = await runCli(args, {
    readFile: (path) => (path in files ? Promise.resolve(files[path]!) : readFile(path, 'utf8')),
    out: (line) => void out.push(line),
    err: (line) => void err.push(line),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('acquaint validate', () => {
  it('accepts the demo config (exit 0)', async () => {
    expect(await run('validate', 'demo/tags.json')).toEqual({ code: 0, out: '✔ demo/tags.json is a valid acquaint config', err: '' });
  });

  it('prints every problem with its JSON path and a hint, notes a custom type, and exits 1', async () => {
    const { code, out, err } = await run('validate', 'bad.json');
    expect(code).toBe(1);
    expect(out).toContain('• "my-crm" is not a built-in type');
    expect(err).toMatchInlineSnapshot(`
      "bad.json: 6 problems
      ✖ Invalid option: expected one of "granted"|"denied"|"pending" → at consent.defaults.analytics
          hint: use one of "granted", "denied", "pending"
      ✖ unknown key "honorGPC" → at consent.honorGPC
          hint: did you mean "honorGpc"?
      ✖ Invalid option: expected one of "session"|"day"|"visitor" → at destinations[1].caps[0].per
          hint: use one of "session", "day", "visitor"
      ✖ unknown key "autopage" → at autopage
          hint: did you mean "autoPage"?
      ✖ Invalid input: expected string, received undefined → at destinations[0].settings.measurementId
          hint: add it (string)
      ✖ unknown key "measurementID" → at destinations[0].settings.measurementID
          hint: did you mean "measurementId"?"
    `);
  });

  it('checks triggers and variables: values, unknown keys, unknown {{names}} with a did-you-mean, cycles', async () => {
    const { code, err } = await run('validate', 'tags.json');
    expect(code).toBe(1);
    expect(err).toMatchInlineSnapshot(`
      "tags.json: 5 problems
      ✖ Invalid option: expected one of "all"|"outbound"|"download" → at triggers[0].links
          hint: use one of "all", "outbound", "download"
      ✖ unknown key "mnMs" → at triggers[2].mnMs
          hint: did you mean "minMs"?
      ✖ variable cycle loop → loop → at variables.loop.input
      ✖ unknown variable {{scroll.percnt}} → at triggers[1].properties.p
          hint: did you mean {{scroll.percent}}?
      ✖ unknown variable {{pln}} → at triggers[1].properties.plan
          hint: did you mean {{plan}}?"
    `);
  });

  it('checks consent.gpp: a misspelt opt-out field is named with the ones that exist', async () => {
    const { code, err } = await run('validate', 'gpp.json');
    expect(code).toBe(1);
    expect(err).toMatchInlineSnapshot(`
      "gpp.json: 1 problem
      ✖ Invalid option: expected one of "SaleOptOut"|"SharingOptOut"|"TargetedAdvertisingOptOut" → at consent.gpp.purposes.marketing[1]
          hint: use one of "SaleOptOut", "SharingOptOut", "TargetedAdvertisingOptOut""
    `);
  });

  it('names unreadable and invalid JSON files, and shows usage without a file', async () => {
    const { code, err } = await run('validate', 'broken.json', 'missing.json');
    expect(code).toBe(1);
    expect(err).toMatch(/not valid JSON[^]*missing\.json: cannot read it/);
    expect(await run('validate')).toEqual({
      code: 2,
      out: '',
      err: expect.stringMatching(
        /^usage: acquaint validate <config\.json>…\n {7}acquaint build <config\.json> --out <dir>\n {7}acquaint relay <config\.json>/,
      ) as unknown,
    });
  });
});
