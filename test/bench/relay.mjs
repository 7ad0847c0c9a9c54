// `npm run bench`, part four: the relay (contract §9, issue 25) under load, and what server mode
// saves the page. Prints figures; asserts nothing.
//
// 1. Accepting: one relay process (startRelay from dist/relay.mjs in a child process of its own,
//    test/bench/relay/server.mjs; rate limit off) with one `http` server-mode destination, fed
//    page batches of 20 events (test/bench/relay/events.mjs: unique messageIds, ~730 bytes an
//    event) by a load generator in another process (test/bench/relay/load.mjs, node:http over 50
//    keep-alive connections). Closed loop (each connection sends its next batch when answered):
//    events/s accepted at saturation. Then open loop at half that rate: p50/p99 answer time,
//    timed from when each batch was due. On PGlite (a temporary dataDir) and on Postgres
//    (Debian's server in a temporary cluster, started by test/bench/relay/postgres.mjs with
//    durability on).
// 2. Forwarding keeps up: the destination is the http collector of the vendor stand-ins
//    (demo/stand-ins.mjs, in this process); events forwarded per second while accepting at half
//    load, and the outbox depth (acquaint_relay_outbox_depth on /metrics) each second and at the
//    end; after saturation, how long the outbox takes to empty.
// 3. Page weight: the bytes of JavaScript a page loads with the demo config's GA4 and Meta in
//    browser mode and in server mode (test/bench/relay/page-weight.mjs: containers built with
//    `acquaint build`, headless Chromium).
// Where the CPU went in each phase (test/bench/relay/cpu.mjs, from /proc): the relay's threads,
// Postgres, the load generator, and other work on the machine, which shares its cores; and the
// CPU time per 1,000 events, steadier than events/s on a busy machine.
//
// BENCH_RELAY_SECONDS (default 10): each load phase. BENCH_RELAY_ONLY=pglite|postgres|page: one
// part. BENCH_RELAY_PROF=<dir>: the relay child runs with --cpu-prof into <dir>.
// BENCH_RELAY_FAST_PG=1: Postgres as the tests run it (fsync, synchronous_commit off).
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStandIns } from '../../demo/stand-ins.mjs';
import { startPostgres, whyNoPostgres } from './relay/postgres.mjs';
import { pageWeight } from './relay/page-weight.mjs';
import { reading, used } from './relay/cpu.mjs';

const SECONDS = Number(process.env.BENCH_RELAY_SECONDS) || 10;
const CONNECTIONS = 50;
const BATCH = 20;
const DRAIN_MS = 30_000;
const only = process.env.BENCH_RELAY_ONLY;
const here = fileURLToPath(new URL('.', import.meta.url));
const load0 = loadavg()[0];

const vendors = await startStandIns({ port: 0, host: '127.0.0.1' });
// The demo's collector destination, in server mode, forwarding to the stand-ins' collector.
const config = {
  version: 1,
  relay: { url: '/acquaint', rateLimit: false },
  destinations: [
    {
      id: 'collector',
      type: 'http',
      mode: 'server',
      purposes: ['analytics'],
      settings: { url: vendors.httpUrl },
      redact: { allow: ['traits.name'] },
    },
  ],
};

/** A forked helper, and ask(message, key): its next message holding `key`. */
function child(file, execArgv = []) {
  const proc = fork(join(here, file), [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  proc.on('error', () => undefined); // a send to a process already gone: ask() rejects instead
  const ask = (message, key) =>
    new Promise((resolve, reject) => {
      if (!proc.connected) return reject(new Error(`${file} is gone (${proc.exitCode ?? proc.signalCode})`));
      const onMessage = (reply) => {
        if (!(key in reply)) return;
        proc.off('message', onMessage);
        proc.off('exit', onExit);
        resolve(reply[key]);
      };
      const onExit = (code) => reject(new Error(`${file} exited (${code}) before answering ${key}`));
      proc.on('message', onMessage);
      proc.once('exit', onExit);
      proc.send(message);
    });
  return { proc, ask };
}

/** The relay's counters and the outbox depth, from its /metrics (summed over destinations). */
async function scrape(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const sum = (name) =>
    text
      .split('\n')
      .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
      .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  return {
    at: performance.now(),
    accepted: sum('acquaint_relay_events_accepted_total'),
    forwarded: sum('acquaint_relay_events_forwarded_total'),
    retried: sum('acquaint_relay_events_retried_total'),
    dead: sum('acquaint_relay_events_dead_lettered_total'),
    depth: sum('acquaint_relay_outbox_depth'),
  };
}

/** Scrapes every second while `work` runs: the samples, and work's result. */
async function sampled(url, work) {
  const samples = [await scrape(url)];
  let done = false;
  const sampler = (async () => {
    while (!done) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      if (!done) samples.push(await scrape(url));
    }
  })();
  const result = await work;
  done = true;
  await sampler;
  samples.push(await scrape(url));
  return { samples, result };
}

const rate = (a, b, key) => (b[key] - a[key]) / ((b.at - a.at) / 1000);

/** Waits until the outbox is empty (at most DRAIN_MS): how long it took and the forwarding rate meanwhile. */
async function drain(url) {
  const first = await scrape(url);
  let last = first;
  while (last.depth > 0 && last.at - first.at < DRAIN_MS) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    last = await scrape(url);
  }
  return {
    ms: last.at - first.at,
    from: first.depth,
    left: last.depth,
    perSecond: last.at > first.at ? rate(first, last, 'forwarded') : 0,
  };
}

/** The three load phases against one relay process on `database`. */
async function measure(label, database, postgres) {
  const prof = process.env.BENCH_RELAY_PROF;
  const relay = child('relay/server.mjs', prof ? ['--cpu-prof', '--cpu-prof-dir', prof] : []);
  const load = child('relay/load.mjs');
  try {
    const url = await relay.ask({ config, ...database }, 'url');
    const target = `${url}/v1/batch/collector`;
    const usage = () => relay.ask({ usage: true }, 'usage');
    const pids = { relay: relay.proc.pid, load: load.proc.pid, postgres };
    const started = await usage();

    // Saturation: closed loop, 2 s of warm-up not counted (nor in the CPU figures).
    const saturationRun = load.ask({ run: { url: target, connections: CONNECTIONS, seconds: SECONDS, warmup: 2 } }, 'result');
    saturationRun.catch(() => undefined); // awaited below, after the first scrape: not an unhandled rejection meanwhile
    const cpuFrom = new Promise((resolve) => setTimeout(() => resolve(reading(pids)), 2000));
    const saturation = await sampled(url, saturationRun);
    const saturationCpu = used(await cpuFrom, reading(pids));
    const atSaturation = saturation.samples;
    const afterSaturation = atSaturation.at(-1);
    const drained = await drain(url);

    // Half load: open loop at half the saturation rate, no warm-up (the relay is warm).
    const halfRate = Number(process.env.BENCH_RELAY_HALF) || saturation.result.eventsPerSecond / 2;
    const batchesPerSecond = Math.max(1, Math.round(halfRate / BATCH));
    await relay.ask({ delay: true }, 'delay');
    const halfFrom = reading(pids);
    const half = await sampled(
      url,
      load.ask({ run: { url: target, connections: CONNECTIONS, seconds: SECONDS, rate: batchesPerSecond } }, 'result'),
    );
    const halfCpu = used(halfFrom, reading(pids));
    const halfDelay = await relay.ask({ delay: true }, 'delay');
    const first = half.samples[0];
    const last = half.samples.at(-1);
    const tail = await drain(url);
    const end = await usage();
    return {
      label,
      saturation: saturation.result,
      saturationCpu,
      halfCpu,
      forwardedAtSaturation: rate(atSaturation[0], afterSaturation, 'forwarded'),
      depthAfterSaturation: afterSaturation.depth,
      drained,
      half: half.result,
      halfDelay,
      halfRate: batchesPerSecond * BATCH,
      forwardedAtHalf: rate(first, last, 'forwarded'),
      acceptedAtHalf: rate(first, last, 'accepted'),
      depths: half.samples.map((s) => s.depth),
      tail,
      retried: last.retried,
      dead: last.dead,
      startRss: started.rss,
      rss: end.rss,
      maxRss: end.maxRss,
    };
  } finally {
    // A relay that does not stop within 15 s is killed.
    const killer = setTimeout(() => relay.proc.kill('SIGKILL'), 15_000);
    await relay.ask({ stop: true }, 'stopped').catch(() => undefined);
    clearTimeout(killer);
    load.proc.kill();
  }
}

const results = [];
if (!only || only === 'pglite') {
  const dir = mkdtempSync(join(tmpdir(), 'acquaint-bench-pglite-'));
  try {
    results.push(await measure('PGlite (embedded, in the relay process)', { dataDir: dir }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.error('relay bench: PGlite done');
}
if (!only || only === 'postgres') {
  const why = await whyNoPostgres();
  if (why) results.push({ label: 'Postgres', skipped: why });
  else {
    const durable = !process.env.BENCH_RELAY_FAST_PG;
    const server = await startPostgres({ durable });
    try {
      results.push(
        await measure(`Postgres ${durable ? '(fsync on)' : '(fsync off)'}, pool of 10`, { databaseUrl: server.url }, server.pid),
      );
    } finally {
      await server.stop();
    }
  }
  console.error('relay bench: Postgres done');
}
const page =
  !only || only === 'page' ? await pageWeight().catch((error) => ({ error: String(error?.message ?? error).split('\n')[0] })) : undefined;
await vendors.close();

const int = (n) => Math.round(n).toLocaleString('en');
const ms = (n) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(0);
const kb = (bytes) => (bytes / 1024).toFixed(1);
const statuses = (s) =>
  Object.entries(s)
    .map(([status, n]) => `${n} × ${status}`)
    .join(', ');

console.log(
  `acquaint relay bench (issue 25), ${new Date().toISOString().slice(0, 10)}: ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}; load average ${load0.toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at the end (relay, load generator, stand-ins and Postgres share these cores)\n`,
);
if (results.length) {
  console.log(
    '| database | accepted at saturation (50 connections) | relay main thread then | answer p50 / p99 at half load | relay RSS: started / end / peak | forwarded at half load | outbox depth at half load: max / end | after saturation: depth, drained |',
  );
  console.log('|---|--:|--:|--:|--:|--:|--:|--:|');
  for (const r of results) {
    if (r.skipped) {
      console.log(`| ${r.label} | not run: ${r.skipped} | | | | | | |`);
      continue;
    }
    console.log(
      `| ${r.label} | **${int(r.saturation.eventsPerSecond)} events/s** (${int(r.saturation.eventsPerSecond / BATCH)} batches/s; p50 ${ms(r.saturation.p50)}, p99 ${ms(r.saturation.p99)} ms) | ${r.saturationCpu.relayMain.toFixed(2)} core | **${ms(r.half.p50)} / ${ms(r.half.p99)} ms** at ${int(r.halfRate)} events/s (max ${ms(r.half.max)}) | ${mb(r.startRss)} / ${mb(r.rss)} / ${mb(r.maxRss)} MB | ${int(r.forwardedAtHalf)} events/s (accepted ${int(r.acceptedAtHalf)}/s) | ${int(Math.max(...r.depths))} / ${int(r.depths.at(-1))} | ${int(r.depthAfterSaturation)}, ${r.drained.left ? `${int(r.drained.left)} left after ${DRAIN_MS / 1000} s` : `in ${(r.drained.ms / 1000).toFixed(1)} s`} (${int(r.drained.perSecond)} forwarded/s) |`,
    );
  }
  console.log();
  const cpu = (c) =>
    `relay main thread ${c.relayMain.toFixed(2)}, its busiest other thread ${c.relayTop.toFixed(2)} (all others ${c.relayOther.toFixed(2)}), Postgres ${c.postgres.toFixed(2)}, load generator ${c.load.toFixed(2)}, stand-ins ${c.bench.toFixed(2)}, other work on the machine ${c.others.toFixed(2)}, idle ${c.idle.toFixed(2)}, stolen ${c.steal.toFixed(2)}`;
  for (const r of results.filter((x) => !x.skipped)) {
    const per1000 = (cores) => ((cores * 1000) / r.saturation.eventsPerSecond) * 1000;
    const c = r.saturationCpu;
    console.log(`- ${r.label}, CPU in cores at saturation: ${cpu(c)}; at half load: ${cpu(r.halfCpu)}.`);
    // On free cores, the busiest single thread bounds the relay: its main thread, or PGlite's worker.
    const bound = Math.max(c.relayMain, c.relayTop);
    console.log(
      `- ${r.label}, CPU time per 1,000 events accepted at saturation (forwarding meanwhile included): relay main thread ${per1000(c.relayMain).toFixed(0)} ms, its busiest other thread ${per1000(c.relayTop).toFixed(0)} ms, Postgres ${per1000(c.postgres).toFixed(0)} ms (all its processes), load generator ${per1000(c.load).toFixed(0)} ms. Given a whole core, the relay's busiest thread (${c.relayTop > c.relayMain ? 'not the main one' : 'the main one'}) would allow ~${int(r.saturation.eventsPerSecond / bound)} events/s, with Postgres and the load generator elsewhere.`,
    );
    console.log(
      `- ${r.label}: saturation answers ${statuses(r.saturation.statuses)}; half load ${statuses(r.half.statuses)} (${r.half.late} batch(es) sent over 5 ms late by the generator); the relay's event loop delay at half load p50 ${ms(r.halfDelay.p50)}, p99 ${ms(r.halfDelay.p99)}, max ${ms(r.halfDelay.max)} ms; forwarded during saturation ${int(r.forwardedAtSaturation)}/s; retried ${int(r.retried)}, dead-lettered ${int(r.dead)}; depth each second at half load: ${r.depths.join(' ')}; after it, empty ${r.tail.left ? `not within ${DRAIN_MS / 1000} s (${int(r.tail.left)} left)` : `in ${(r.tail.ms / 1000).toFixed(1)} s`}.`,
    );
  }
  console.log(
    `- How: ${SECONDS} s a phase. Saturation: closed loop, ${CONNECTIONS} keep-alive connections from a separate Node process, batches of ${BATCH} events (~730 bytes each, unique messageIds), 2 s warm-up not counted; "accepted" sums the answers' \`accepted\`. Half load: open loop at half that rate, each answer timed from when its batch was due. Forwarded and depth: the relay's /metrics, scraped each second. RSS: the relay process, once listening (PGlite, which runs inside it, has just created its database in an empty directory), after the last phase, and its peak; Postgres's own processes are not counted.`,
  );
}
if (page) {
  console.log();
  if (page.error) console.log(`Page weight: not measured (${page.error})`);
  else {
    console.log(
      '| demo config, GA4 and Meta in | JavaScript the page loads (measured) | of it vendor scripts | vendor scripts with the real gtag.js and fbevents.js |',
    );
    console.log('|---|--:|--:|--:|');
    for (const m of [page.browser, page.server]) {
      console.log(
        `| ${m.mode} mode | ${kb(m.raw)} KB / **${kb(m.gzip)} KB gzip** in ${m.files.length} file(s) | ${m.vendor.length ? `${m.vendor.map((v) => v.path).join(', ')}: ${kb(m.vendorRaw)} KB (local stand-ins)` : '**none**'} | ${m.vendor.length ? page.published : 'none'} |`,
      );
    }
    console.log();
    console.log(`- Files: browser mode ${page.browser.files.join(', ')}; server mode ${page.server.files.join(', ')}.`);
    console.log(`- ${page.notes}`);
  }
}
console.log();
console.log(
  'Goals (issue 25): ≥ 5,000 events/s accepted per process on Postgres; p99 < 50 ms at half that load; forwarding keeping up (the outbox depth bounded); no vendor JavaScript in server mode. This machine is shared: the figures are provisional.',
);
