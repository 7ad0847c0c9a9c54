// What the relay's fault tests (faults.test.ts) are made of: relay processes (relay-process.mjs,
// so one can be killed for real), a page that posts batches and retries what got no 200, and the
// closing check that every accepted event reached each vendor once or is a dead letter.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Received } from '../../../demo/stand-ins.mjs';
import { testEvent } from '../event';

export const SECRETS = { GA4_SECRET: 'g-secret', META_TOKEN: 'm-token', WAREHOUSE_AUTH: 'Bearer w-secret' };
/** The server destinations every case posts to, and how each vendor names an event. */
export const DESTINATIONS = ['ga4', 'meta', 'warehouse'] as const;
export type Destination = (typeof DESTINATIONS)[number];

/** Waits for `done(read())`, polling every 50 ms, failing with `what` and the last value past the deadline. */
export async function until<T>(what: string, read: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(value).slice(0, 400)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The relay config: the three vendors at `vendorBase` (the stand-ins, or a gate in front of them). */
export function relayConfig(vendorBase: string) {
  return {
    version: 1,
    relay: { url: '/acquaint', rateLimit: false },
    destinations: [
      {
        id: 'ga4',
        type: 'ga4',
        mode: 'server',
        purposes: ['analytics'],
        settings: { measurementId: 'G-TEST123', apiSecretEnv: 'GA4_SECRET', endpoint: vendorBase },
      },
      {
        id: 'meta',
        type: 'meta-pixel',
        mode: 'server',
        purposes: ['marketing'],
        settings: { pixelId: '123456', accessTokenEnv: 'META_TOKEN', endpoint: vendorBase },
      },
      {
        id: 'warehouse',
        type: 'http',
        mode: 'server',
        purposes: ['analytics'],
        settings: { url: `${vendorBase}/collect`, headersEnv: { Authorization: 'WAREHOUSE_AUTH' } },
      },
    ],
  };
}

const ENTRY = fileURLToPath(new URL('./relay-process.mjs', import.meta.url));

/** A relay in a child process (relay-process.mjs running dist/relay.mjs). */
export interface RelayProcess {
  url: string;
  pid: number;
  /** Its stderr so far (logs at warn and above), for a failure's message. */
  log(): string;
  /** SIGKILL: no cleanup of any kind; resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (the forwarding round in flight ends and is recorded), SIGKILL past `graceMs`; resolves once gone. */
  stop(graceMs?: number): Promise<void>;
  /** A counter or gauge of /metrics, summed over its labels. */
  metric(name: string): Promise<number>;
}

export interface RelayProcessOptions {
  config: unknown;
  databaseUrl?: string;
  dataDir?: string;
  pollMs?: number;
  /** Passed on as RELAY_CLAIM_MS; dist/relay.mjs uses it once startRelay takes claimMs. */
  claimMs?: number;
  startTimeoutMs?: number;
}

export async function startRelayProcess(options: RelayProcessOptions): Promise<RelayProcess> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    ...SECRETS,
    RELAY_CONFIG: JSON.stringify(options.config),
    LOG_LEVEL: 'warn',
    // Another build of the relay than dist/ (relay-process.mjs), when the run names one.
    ...(process.env.RELAY_MODULE ? { RELAY_MODULE: process.env.RELAY_MODULE } : {}),
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : { RELAY_DATA_DIR: options.dataDir }),
    ...(options.pollMs ? { RELAY_POLL_MS: String(options.pollMs) } : {}),
    ...(options.claimMs ? { RELAY_CLAIM_MS: String(options.claimMs) } : {}),
  };
  const child: ChildProcess = spawn(process.execPath, [ENTRY], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    // Only the last lines matter for a message; the relay warns once per start (no relay.origins).
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const lines = createInterface({ input: child.stdout! });
  const timeoutMs = options.startTimeoutMs ?? 45_000;
  let timer: NodeJS.Timeout | undefined;
  let started: { url: string; pid: number };
  try {
    started = await new Promise<{ url: string; pid: number }>((resolve, reject) => {
      lines.once('line', (line) => resolve(JSON.parse(line) as { url: string; pid: number }));
      child.once('exit', (code, signal) => reject(new Error(`the relay process ended before it listened (${signal ?? code}):\n${stderr}`)));
      timer = setTimeout(() => reject(new Error(`the relay process did not listen within ${timeoutMs} ms:\n${stderr}`)), timeoutMs);
    });
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    ...started,
    log: () => stderr,
    async kill() {
      if (!gone()) child.kill('SIGKILL');
      await exited;
    },
    async stop(graceMs = 15_000) {
      if (!gone()) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async metric(name) {
      const text = await (await fetch(`${started.url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
      let sum = 0;
      for (const line of text.split('\n')) {
        const match = /^(\w+)(?:\{[^}]*\})? ([\d.e+-]+)$/.exec(line);
        if (match?.[1] === name) sum += Number(match[2]);
      }
      return sum;
    },
  };
}

const consented = { analytics: 'granted', marketing: 'granted' } as const;

/** One purchase as a page sends it; `transaction_id` carries the messageId to GA4, which has no event id. */
export const pageEvent = (messageId: string) =>
  testEvent({
    messageId,
    timestamp: new Date().toISOString(),
    userId: 'user-7',
    traits: { email: 'ann@example.com' },
    properties: { value: 10, currency: 'EUR', transaction_id: messageId, items: [{ id: 'A', price: 5 }] },
    context: { consent: consented, clickIds: { fbclid: 'fb-click' } },
  });

interface Batch {
  destination: Destination;
  ids: string[];
  body: string;
}

/**
 * A page (or many) posting batches to the relay: each event goes to every destination (the same
 * messageId), as a page with three server-mode destinations sends it. A batch answered anything
 * but 200 (no answer at all when the relay was killed mid-request) is kept and posted again by
 * flush(), as the page's durable queue would; `targets` are the relay processes, taken in turn.
 */
export class Page {
  targets: string[] = [];
  /** Every (destination, messageId) posted. */
  readonly sent = new Set<string>();
  /** Every (destination, messageId) the relay answered 200 for and did not refuse. */
  readonly accepted = new Set<string>();
  readonly refused: string[] = [];
  posts = 0;
  /** Requests that got no answer: cut (the relay was killed while answering) or refused (no relay listening). */
  noAnswer = 0;
  /** Of those, the ones cut mid-request (a reset or closed socket, not ECONNREFUSED). */
  cut = 0;
  /** Requests answered, but not 200 (503 while the database is away, say). */
  notOk = 0;
  private readonly failed: Batch[] = [];
  private next = 0;
  private turn = 0;
  private running: Promise<void> | undefined;
  private stopping = false;

  constructor(
    readonly prefix: string,
    readonly batchSize = 5,
  ) {}

  private async post(batch: Batch): Promise<boolean> {
    const url = this.targets[this.turn++ % this.targets.length];
    this.posts++;
    try {
      const response = await fetch(`${url}/v1/batch/${batch.destination}`, {
        method: 'POST',
        body: batch.body,
        headers: {
          'Content-Type': 'text/plain;charset=UTF-8',
          'User-Agent': 'Mozilla/5.0 (fault test)',
          Cookie: '_fbp=fb.1.1700000000000.42',
        },
        signal: AbortSignal.timeout(20_000),
      });
      const answer = (await response.json().catch(() => ({}))) as { refused?: { messageId?: string; reason: string }[] };
      if (response.status !== 200) {
        this.notOk++;
        return false;
      }
      const refused = new Set((answer.refused ?? []).map((r) => r.messageId));
      for (const r of answer.refused ?? []) this.refused.push(`${batch.destination}/${r.messageId}: ${r.reason}`);
      for (const id of batch.ids) if (!refused.has(id)) this.accepted.add(`${batch.destination}/${id}`);
      return true;
    } catch (error) {
      this.noAnswer++;
      const code = (error as { cause?: { code?: unknown } }).cause?.code;
      if (code !== 'ECONNREFUSED') this.cut++;
      return false;
    }
  }

  /** Posts one new batch of events to every destination. */
  async sendBatch(): Promise<void> {
    const events = Array.from({ length: this.batchSize }, () => pageEvent(`${this.prefix}-${this.next++}`));
    const ids = events.map((event) => event.messageId);
    const body = JSON.stringify({ batch: events, sentAt: new Date().toISOString() });
    await Promise.all(
      DESTINATIONS.map(async (destination) => {
        for (const id of ids) this.sent.add(`${destination}/${id}`);
        const batch = { destination, ids, body };
        if (!(await this.post(batch))) this.failed.push(batch);
      }),
    );
  }

  /** Sends a batch every `pauseMs` (plus the time the answers take) until stop(); slower while posts fail. */
  start(pauseMs = 25): void {
    this.stopping = false;
    this.running = (async () => {
      while (!this.stopping) {
        const before = this.noAnswer + this.notOk;
        await this.sendBatch();
        await new Promise((resolve) => setTimeout(resolve, this.noAnswer + this.notOk > before ? 200 : pauseMs));
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  /** Posts every batch that got no 200 again, until each has one (or the deadline passes). */
  async flush(timeoutMs = 20_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let retried = 0;
    while (this.failed.length) {
      if (Date.now() > deadline) throw new Error(`${this.failed.length} batch(es) still without a 200 after ${timeoutMs} ms`);
      const batch = this.failed.shift()!;
      retried++;
      if (!(await this.post(batch))) {
        this.failed.push(batch);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    return retried;
  }
}

/** How often each vendor got each (destination, messageId). */
export function vendorCounts(received: Received): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (destination: Destination, id: unknown) => {
    const key = `${destination}/${String(id)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  for (const hit of received.ga4) add('ga4', hit.event?.params?.transaction_id);
  for (const hit of received.meta) add('meta', hit.event.event_id);
  for (const hit of received.http) add('warehouse', hit.event.messageId);
  return counts;
}

export interface OutboxState {
  destination: string;
  message_id: string;
  state: string;
  reason: string | null;
}

export interface Verdict {
  summary: { sent: number; accepted: number; forwarded: number; deadLettered: number; duplicated: number; allowedDuplicates: number };
  /** Every way the outcome breaks the promise (empty: it holds). */
  problems: string[];
}

/**
 * The closing check, once no relay runs: each accepted (destination, messageId) reached its vendor
 * exactly once and is `sent` in the outbox, or never reached it and is a dead letter with a
 * reason; no vendor got an event nobody posted; duplicates only among `mayRepeat` (events a vendor
 * accepted that a killed process had not recorded: at least once, contract §9).
 */
export function verify(page: Page, received: Received, rows: readonly OutboxState[], mayRepeat: ReadonlySet<string> = new Set()): Verdict {
  const counts = vendorCounts(received);
  const state = new Map(rows.map((row) => [`${row.destination}/${row.message_id}`, row]));
  const problems: string[] = [];
  let duplicated = 0;
  let allowedDuplicates = 0;
  let deadLettered = 0;
  for (const key of page.accepted) {
    const n = counts.get(key) ?? 0;
    const row = state.get(key);
    if (!row) problems.push(`${key}: answered 200 but not in the outbox`);
    else if (row.state === 'dead') {
      deadLettered++;
      if (!row.reason) problems.push(`${key}: a dead letter without a reason`);
      if (n > 0) problems.push(`${key}: a dead letter, yet the vendor got it ${n} time(s)`);
    } else if (row.state !== 'sent')
      problems.push(`${key}: still ${row.state} (reason ${row.reason ?? 'none'}), vendor got it ${n} time(s)`);
    else if (n === 0) problems.push(`${key}: sent in the outbox, but the vendor never got it`);
    if (n > 1) {
      duplicated += n - 1;
      if (mayRepeat.has(key)) allowedDuplicates += n - 1;
      else problems.push(`${key}: the vendor got it ${n} times`);
    }
  }
  for (const [key] of counts) if (!page.sent.has(key)) problems.push(`${key}: the vendor got an event nobody posted`);
  for (const hit of received.ga4) if (hit.problems.length) problems.push(`ga4 hit with problems: ${hit.problems.join('; ')}`);
  const forwarded = [...counts.keys()].filter((key) => page.accepted.has(key)).length;
  return {
    summary: { sent: page.sent.size, accepted: page.accepted.size, forwarded, deadLettered, duplicated, allowedDuplicates },
    problems,
  };
}
