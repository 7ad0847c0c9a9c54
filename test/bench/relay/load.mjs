// The load generator of the relay bench, in a process of its own (forked by test/bench/relay.mjs)
// so it does not share the relay's event loop: page batches (events.mjs) POSTed over keep-alive
// connections with node:http. The parent sends { run: { url, connections, seconds, warmup?, rate? } }
// and gets { result }:
// - closed loop (no rate): `connections` visitors each send a batch, wait for the answer, send the
//   next; what is answered after `warmup` seconds counts. This finds the saturation throughput.
// - open loop (rate, batches a second): a batch leaves every 1/rate s whatever the answers, over a
//   pool of `connections` sockets; an answer's time counts from when its batch was due, so a slow
//   relay shows as latency instead of a lower rate (no coordinated omission).
import { Agent, request } from 'node:http';
import { batchBody, visitor } from './events.mjs';

const HEADERS = {
  'Content-Type': 'application/json',
  'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36',
  Cookie: '_fbp=fb.1.1765100000000.1234567890',
};

/** POST one body; resolves { status, accepted } (accepted: the answer's count, 0 on an error). */
function post(agent, url, body) {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', agent, headers: { ...HEADERS, 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        let accepted = 0;
        try {
          accepted = JSON.parse(Buffer.concat(chunks).toString()).accepted ?? 0;
        } catch {
          // not JSON: counted by its status
        }
        resolve({ status: res.statusCode, accepted });
      });
      res.on('error', () => resolve({ status: 'error', accepted: 0 }));
    });
    req.on('error', (error) => resolve({ status: error.code ?? 'error', accepted: 0 }));
    req.end(body);
  });
}

const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] : NaN);

async function run({ url, connections, seconds, warmup = 0, rate }) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const start = performance.now();
  const from = start + warmup * 1000;
  const until = from + seconds * 1000;
  const latencies = [];
  const statuses = {};
  let events = 0;
  let batches = 0;
  let visitors = 0;
  let due = 0;
  let late = 0;
  const record = (began, answer) => {
    const end = performance.now();
    // Closed loop: what was answered in the window. Open loop: every batch due in it, however late its answer.
    if (began < from || (!rate && end > until) || (rate && began >= until)) return;
    latencies.push(end - began);
    statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
    batches++;
    events += answer.accepted;
  };
  const inFlight = new Set();
  const send = (began) => {
    const body = batchBody(visitor(visitors++));
    const sent = post(agent, url, body).then((answer) => record(began, answer));
    inFlight.add(sent);
    void sent.finally(() => inFlight.delete(sent));
    return sent;
  };
  if (!rate) {
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < until) await send(performance.now());
      }),
    );
  } else {
    // Every millisecond, send the batches that are due by now, each timed from when it was due.
    await new Promise((resolve) => {
      const timer = setInterval(() => {
        const now = performance.now();
        if (now >= until) {
          clearInterval(timer);
          return resolve();
        }
        while (start + (due * 1000) / rate <= now) {
          const at = start + (due++ * 1000) / rate;
          if (now - at > 5) late++;
          void send(at);
        }
      }, 1);
    });
    await Promise.all(inFlight);
  }
  agent.destroy();
  const elapsed = until - from;
  const sorted = latencies.sort((a, b) => a - b);
  return {
    seconds: elapsed / 1000,
    batches,
    events,
    eventsPerSecond: events / (elapsed / 1000),
    statuses,
    late,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? NaN,
  };
}

// Should the bench die, so does this process.
process.on('disconnect', () => process.exit(0));
process.on('message', async (message) => {
  if (message.run) process.send({ result: await run(message.run) });
  else if (message.stop) process.exit(0);
});
