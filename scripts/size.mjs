// Size budget and forbidden strings for what the page loads. `node scripts/size.mjs --check`
// fails (exit 1) over budget; rollup calls reportSizes() to print the figures after a build.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gzipSync, brotliCompressSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { adapterTypes } from './adapter-types.mjs';

/** Budgets in bytes of gzip. Raise one only in the commit that needs it, and say why. */
export const BUDGETS = {
  // 20.53 KB with the destination rules (filter, allow-list, redact with a memory of recent
  // values, hash, caps, block), adapter registration, single-page page views and debug mode;
  // 21.19 KB with campaign attribution (utm_* and click ids of the session's landing, kept with
  // the profile) and the hooks that load triggers and name them in debug mode; 21.95 KB with IAB
  // GPP (US opt-outs), a TCF or GPP CMP found after acquaint, and data layer pushes queued before
  // a wrapped push runs (GTM's data-layer-helper); 22.26 KB with what Firefox and WebKit found
  // (records marked as leaving during unload, no IndexedDB work in pagehide, a 5 s limit on an
  // identity database that does not answer, rescue notes kept until written). The vendor tags and
  // the triggers are separate files; issue 13's container build (and CMP support loaded only when
  // named) is the way to 10 KB. 22.59 KB once the hot path lost its per-event copies and trees
  // (in-place consent stamp, flat uuids, no per-push path strings) and a second tab's identity
  // read was made to wait for the first tab's write: about 0.1 KB for 15-20% of a track().
  // 22.69 KB with a 5 s limit on the queue database too, after which what gone tabs rescued to
  // localStorage is sent from memory (WebKit froze that database behind a cached page).
  // 22.55 KB once esbuild minifies and wraps rollup's ES output (its tree-shaking drops what
  // rollup left behind) and IndexedDB is reached through 40 lines of our own (storage/idb-store.ts)
  // instead of idb-keyval.
  // 22.58 KB with issue 15's audience attribute and snippet copy (the audience rules moved to
  // acquaint-audiences.js); 23.04 KB with what "Your data" needs from the runtime: the device's
  // own count of events per destination and day, the stored entries read back, 16 more banner texts.
  // 23.36 KB with the note a page leaves in localStorage of profile writes not yet committed
  // (a purchase's audience history was lost on one navigation in four). 23.47 KB once no
  // IndexedDB write begins in pagehide, and an event tracked there is beaconed at once (WebKit
  // froze such a write with the page in its back/forward cache, blocking the next page's database);
  // 23.52 KB once that hold is one wrapper of the IndexedDB stores (storage/held-store.ts).
  // 23.79 KB with issue 28: a Consent Mode default of denied held as pending (and the reason in
  // debug mode), `consent.source` and `consentModeDefault` in the schema and the checks. 24.22 KB
  // once issue 24 split the composition root into rooms (storage policy, early buffer, intake,
  // "Your data", the event API): the property names of the parts' deps objects survive
  // minification; issue 27's renaming of internal property names is the way back. 24.30 KB with
  // one durable-store module for the queue and the profile (storage/): 27 bytes fewer minified,
  // 80 more gzip, as the two near-copies it replaced compressed into each other. 24.53 KB once
  // acquaint.ts was cut to its parts (147 lines): start() and forget() in lifecycle.ts and the
  // public API in api.ts take them as one object, whose 18 property names minification keeps.
  // 24.57 KB once the profile store is given its notes and server-id sync where it is wired.
  // 23.37 KB once terser minifies after esbuild (scripts/page-script.mjs; issue 27): its renaming by
  // frequency and its compression take 1.2 KB gzip off; every budget below was lowered to what it
  // reached then. 23.87 KB with issue 25's relay: a server-mode destination is a queue to the
  // relay (config/relay-routes.ts), the mode checked per type, Meta's relay half given its
  // matching traits, and the config schema's `relay.url` and `mode` (the relay-only keys are
  // let through unchecked: acquaint validate and the relay check them).
  // 24.40 KB with issue 26's page side: each consent decision says who made it (and the TC or GPP
  // string), the stored choice keeps its source, decisions wait for the config, forget() says what
  // the relay answered, "Your data" shows the receipt; the receipts themselves are acquaint-proof.js.
  'dist/acquaint.js': 24.45 * 1024,
  // The optional banner: 3.10 KB gzip measured with both layers, the shadow-root styles and English
  // defaults; 4.53 KB with "Your data" (its layer, its texts, the download).
  // 4.66 KB with the consent receipt and its chain's download link in "Your data".
  'dist/consent-ui.js': 4.7 * 1024,
  // Triggers, variables and attribute tagging, loaded only for a config that has them: 8.26 KB
  // with the five trigger types, the resolver, and the entry-by-entry check of triggers and
  // variables (their JSON Schema, unknown {{names}}, cycles, selectors).
  'dist/acquaint-triggers.js': 7.95 * 1024,
  // The built-in vendor tags, each loaded only when a destination of its type is allowed.
  'dist/acquaint-script.js': 1.35 * 1024,
  'dist/acquaint-ga4.js': 1.35 * 1024,
  'dist/acquaint-meta-pixel.js': 1.95 * 1024,
  // Consent receipts (queued in localStorage, sent until stored), the id cookie expired on
  // withdrawal and forget at the relay: loaded only for a config with `relay`. 1.78 KB.
  'dist/acquaint-proof.js': 1.85 * 1024,
  // Debug mode's trace, loaded only when debug mode turns on.
  'dist/acquaint-debug.js': 0.6 * 1024,
  // Audience rules (windows, sessions, expiry) and `personalize`, loaded only for a config that
  // has them: 3.35 KB, of which about 1 KB is the JSON Schema validator the core also has.
  'dist/acquaint-audiences.js': 3.25 * 1024,
  // Container builds (`acquaint build`): acquaint.js with the config compiled in and only what it
  // uses. The demo's has its triggers inside (no acquaint-triggers.js to load). Issue 13's goals
  // are 10 KB for the demo config and 7 KB for one http destination.
  // 24.20 KB once a container's in-page trigger check became selectors only (the names, cycles
  // and regexes were checked by `acquaint build`). 24.35 and 15.34 KB with the esbuild wrapping
  // and storage/idb-store.ts above.
  // 25.96 and 15.43 KB with issue 15's audience attribute and snippet copy, audience windows and
  // expiry, and (the demo) `personalize` with four audiences labelled for the visitor; 26.37 and
  // 15.46 KB with "Your data" (the demo's banner has it; one http destination has no banner).
  // 26.69 and 15.52 KB with the unsaved-writes note (only where audiences or caps are: the
  // demo's; the other has only the hook). 26.85 and 15.67 KB once no IndexedDB transaction
  // begins in pagehide (see dist/acquaint.js above). 27.02 and 15.86 KB with issue 28's hold of
  // a Consent Mode default (a config with consent.source "page" leaves out the consent record).
  // 27.30 and 16.18 KB with issue 24's rooms (see dist/acquaint.js above); 27.38 and 16.28 KB with
  // its durable-store module; 27.64 and 16.63 KB with its lifecycle.ts and api.ts; 27.66 and
  // 16.64 KB with the profile store's injected parts. 26.29 and 15.71 KB once terser minifies
  // after esbuild (see dist/acquaint.js above). 26.49 and 15.73 KB with issue 25's relay: the
  // demo's GA4 moves to server mode (no acquaint-ga4.js to load, 1.30 KB) and Meta to both (its
  // queue to the relay beside the pixel, with the visitor's matching traits).
  // 27.97 and 15.89 KB with issue 26's page side: the demo names a relay, so its container has the
  // consent receipts inside (1.5 KB); one http destination has only the decisions' sources and
  // forget()'s answer (its receipts and relay calls are left out).
  'acquaint build demo/tags.json': 28.0 * 1024,
  'acquaint build test/bench/peers/bench-tags.json': 15.9 * 1024,
};

// A container's budget names the command that makes it; its acquaint.js is built here to measure.
const CONTAINER = /^acquaint build (\S+)$/;
const containerDir = (config) => `node_modules/.cache/acquaint-size/${config.replace(/[^\w.-]+/g, '_')}`;

function fileFor(key) {
  const config = CONTAINER.exec(key)?.[1];
  if (!config) return key;
  const dir = containerDir(config);
  execFileSync(process.execPath, ['dist/cli.mjs', 'build', config, '--out', dir], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  return `${dir}/acquaint.js`;
}
// Strings that must never ship in a page script, runtime or banner (CSP-unsafe code, HTML injection, classic zod).
const FORBIDDEN = ['new Function', 'eval(', 'innerHTML', 'Invalid input: expected'];

const root = fileURLToPath(new URL('..', import.meta.url));

export function measure(file) {
  const code = readFileSync(new URL(file, `file://${root}`));
  return {
    raw: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    brotli: brotliCompressSync(code).length,
    code: code.toString('utf8'),
  };
}

const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;

function check(keys) {
  const problems = [];
  for (const file of keys) {
    const { raw, gzip, brotli, code } = measure(fileFor(file));
    const budget = BUDGETS[file];
    console.log(`${file}: ${kb(raw)} min, ${kb(gzip)} gzip, ${kb(brotli)} brotli (budget ${kb(budget)} gzip)`);
    if (gzip > budget) problems.push(`${file} is ${kb(gzip)} gzip, over its budget of ${kb(budget)}`);
    for (const needle of FORBIDDEN) if (code.includes(needle)) problems.push(`${file} contains forbidden "${needle}"`);
  }
  return problems;
}

/** Rollup plugin: print the sizes once the bundle is written. */
export function reportSizes(files) {
  return { name: 'report-sizes', writeBundle: () => void check(files) };
}

// The README's size table (file | what | gzip today | budget) must say what the build and
// the budgets say: its budgets exactly, its "today" figures within 0.15 KB.
function checkReadme() {
  const problems = [];
  const readme = readFileSync(new URL('README.md', `file://${root}`), 'utf8');
  const rows = new Map(
    [...readme.matchAll(/^\| `((?:dist\/|acquaint build )[^`]+)` \|[^|]*\| ([\d.]+) KB \| ([\d.]+) KB \|$/gm)].map((m) => [
      m[1],
      { today: Number(m[2]), budget: Number(m[3]) },
    ]),
  );
  for (const [file, budget] of Object.entries(BUDGETS)) {
    const row = rows.get(file);
    if (!row) {
      problems.push(`README.md: the size table has no row for ${file}`);
      continue;
    }
    if (Math.abs(row.budget * 1024 - budget) > 1)
      problems.push(`README.md says ${file}'s budget is ${row.budget} KB; scripts/size.mjs says ${kb(budget)}`);
    const gzip = measure(CONTAINER.test(file) ? `${containerDir(CONTAINER.exec(file)[1])}/acquaint.js` : file).gzip / 1024;
    if (Math.abs(row.today - gzip) > 0.15)
      problems.push(`README.md says ${file} is ${row.today} KB gzip; the build is ${gzip.toFixed(2)} KB`);
  }
  return problems;
}

// Each built-in type that is a file of its own (src/config/destination-types.ts) has a budget.
async function checkTypes() {
  const { CHUNKED_TYPES } = await adapterTypes();
  return CHUNKED_TYPES.filter((type) => !(`dist/acquaint-${type}.js` in BUDGETS)).map(
    (type) => `scripts/size.mjs has no budget for dist/acquaint-${type}.js`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const problems = [...(await checkTypes()), ...check(Object.keys(BUDGETS)), ...checkReadme()];
  for (const problem of problems) console.error(`✖ ${problem}`);
  process.exit(problems.length ? 1 : 0);
}
