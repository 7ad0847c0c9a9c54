import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `acquaint build` as a site runs it: the built bin (dist/cli.mjs) bundling dist/modules.
const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const cli = join(root, 'dist/cli.mjs');
let work: string;

function acquaint(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [cli, ...args], { cwd: work }, (error, out, err) =>
      done({ code: error ? (error.code as number) : 0, out, err }),
    );
  });
}

const minimal = {
  version: 1,
  consent: { defaults: { analytics: 'granted' } },
  destinations: [{ id: 'c', type: 'http', purposes: ['analytics'], settings: { url: '/v1/batch' } }],
};

async function build(config: unknown, name = 'tags.json') {
  await writeFile(join(work, name), typeof config === 'string' ? config : JSON.stringify(config));
  const dir = join(work, `out-${Math.random().toString(36).slice(2)}`);
  const result = await acquaint('build', name, '--out', dir);
  const files = existsSync(dir) ? (await readdir(dir)).sort() : [];
  const read = (file: string) => readFile(join(dir, file), 'utf8');
  return { ...result, files, read };
}

beforeAll(async () => {
  if (!existsSync(join(root, 'dist/modules/install.js'))) throw new Error('dist/modules is missing: run `npm run build` first');
  work = await mkdtemp(join(tmpdir(), 'acquaint-build-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('acquaint build', { timeout: 30_000 }, () => {
  it('writes nothing and exits 1 on a config with problems, naming each with its path', async () => {
    const bad = {
      version: 1,
      autopage: true,
      destinations: [{ id: 'c', type: 'http', purposes: ['ads'], settings: {} }],
      triggers: [{ type: 'click', selector: 'a', event: 'x', properties: { p: '{{nope}}' } }],
    };
    const { code, err, files } = await build(bad);
    expect(code).toBe(1);
    expect(files).toEqual([]);
    expect(err).toContain('✖ unknown key "autopage" → at autopage');
    expect(err).toMatch(/→ at destinations\[0\]\.settings\.url/);
    expect(err).toContain('unknown variable {{nope}} → at triggers[0].properties.p');
    expect(err).toMatch(/nothing written to /);
  });

  it('exits 1 for a file that is not JSON, and 2 with usage when --out is missing', async () => {
    expect((await build('{ "version": 1,')).code).toBe(1);
    const usage = await acquaint('build', 'tags.json');
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('acquaint build <config.json> --out <dir>');
  });

  it('compiles a minimal config into one file without the parts it does not name', async () => {
    const { code, out, files, read } = await build(minimal);
    expect(code).toBe(0);
    expect(out).toMatch(
      /left out: debugTrace, tcf, gpp, consentMode, banner, audiences, personalize, inlineAudiences, caps, unsavedNotes, hashing, fieldLists, proof, inlineProof, serverId, contextTraits, lateTypes, triggers, clickTriggers, submitTriggers, scrollTriggers, visibleTriggers, timerTriggers, inlineTriggers/,
    );
    // Debug mode's trace stays a file of its own, loaded only when debug mode turns on.
    expect(files).toEqual(['acquaint-debug.js', 'acquaint.js']);
    const code_ = await read('acquaint.js');
    expect(code_).toContain('/v1/batch');
    for (const absent of [
      '__tcfapi',
      '__gpp',
      'consent-ui.js',
      'acquaint-triggers.js',
      'acquaint-audiences.js',
      'data-acquaint-audiences',
      'acquaint-${',
      'expected one of',
      'acquaint ▸',
    ])
      expect(code_).not.toContain(absent);
  });

  it('brings in what the config names, and copies the files it may load later', async () => {
    const { code, files, read } = await build(JSON.parse(await readFile(join(root, 'demo/tags.json'), 'utf8')));
    expect(code).toBe(0);
    // GA4 is in server mode (the relay speaks to Google): no file of its tag; Meta, in both, keeps its pixel.
    expect(files).toEqual(['acquaint-debug.js', 'acquaint-meta-pixel.js', 'acquaint.js', 'consent-ui.js']);
    const code_ = await read('acquaint.js');
    // Triggers compiled in: no acquaint-triggers.js to fetch.
    expect(code_).toContain('data-acquaint-event');
    expect(code_).not.toContain('"acquaint-triggers.js"');
    // The page checks only the selectors: names, cycles and regexes were checked by the build.
    expect(code_).toContain('invalid CSS selector');
    for (const checked in { 'did you mean': 0, 'variable cycle': 0, 'invalid regular expression': 0 }) expect(code_).not.toContain(checked);
    expect(code_).toContain('consent-ui.js');
    expect(await read('consent-ui.js')).toBe(await readFile(join(root, 'dist/consent-ui.js'), 'utf8'));
    const tcf = await build({ ...minimal, consent: { ...minimal.consent, tcf: { analytics: [1, 7] } } });
    expect(tcf.code).toBe(0);
    expect(await tcf.read('acquaint.js')).toContain('__tcfapi');
  });

  it('is deterministic: the same config gives the same bytes, however the file is formatted', async () => {
    const a = await build(minimal);
    const b = await build(JSON.stringify(minimal, null, 2));
    expect(await a.read('acquaint.js')).toBe(await b.read('acquaint.js'));
  });

  it('writes no forbidden string', async () => {
    const { read } = await build(JSON.parse(await readFile(join(root, 'demo/tags.json'), 'utf8')));
    const code_ = await read('acquaint.js');
    for (const needle of ['eval(', 'new Function', 'innerHTML']) expect(code_).not.toContain(needle);
  });
});
