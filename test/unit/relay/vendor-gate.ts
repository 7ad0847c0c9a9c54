// A gate between one relay process and the vendor stand-ins (faults.test.ts): a loopback proxy
// that passes vendor requests on, or holds them. With the gate held, a relay's requests wait
// unanswered (the vendor has not seen them) while the requests already passed on are answered
// and recorded; a relay killed then dies with rows claimed and in flight, yet with no event the
// vendor accepted and it had not recorded. That is the one case the contract lets arrive twice
// (a 2xx just before a kill), so the gate makes it impossible rather than rare, and still counts
// what the vendor accepted through it, for the test to compare with what the relay recorded.
// A held request whose relay is gone (its connection closed) is dropped, never passed on.
import { createServer, request as httpRequest, Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Gate {
  /** The base URL, standing for the stand-ins' (same paths: /mp/collect, /v<n>.0/<pixel>/events, /collect). */
  url: string;
  /** From now on, requests wait at the gate. */
  hold(): void;
  /**
   * Passes the waiting requests on (those whose relay is still connected, as far as this process
   * has yet seen) and lets the next ones through; returns the events it passed on.
   */
  release(): string[];
  /** Requests waiting at the gate, their relay still connected. */
  held(): number;
  /** The events in the waiting requests (`<destination>/<messageId>`, see eventKeys). */
  heldKeys(): string[];
  /** Requests passed on whose answer is not yet written back to the relay. */
  inFlight(): number;
  /** The events the vendor answered 2xx for through this gate, each time (a repeat counts again). */
  acceptedKeys(): string[];
  close(): Promise<void>;
}

/**
 * The events in a vendor request, as `<destination>/<messageId>` with the destination ids of the
 * fault tests' config: `warehouse` (the §6 batch's messageIds), `meta` (event_id) and `ga4`
 * (the transaction_id param: GA4 has no event id, and the tests' purchases carry it).
 */
export function eventKeys(path: string, body: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [];
  }
  const list = (key: string): Record<string, unknown>[] => {
    const value = (parsed as Record<string, unknown> | null)?.[key];
    return Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
  };
  if (path === '/collect') return list('batch').map((event) => `warehouse/${String(event.messageId)}`);
  if (path.endsWith('/mp/collect')) {
    return list('events').map((event) => `ga4/${String((event.params as Record<string, unknown> | undefined)?.transaction_id)}`);
  }
  if (path.endsWith('/events')) return list('data').map((event) => `meta/${String(event.event_id)}`);
  return [];
}

interface Waiting {
  req: IncomingMessage;
  res: ServerResponse;
  body: Buffer;
  ids: string[];
}

/** A gate in front of `target` (the stand-ins' base URL), open to begin with. */
export async function startGate(target: string): Promise<Gate> {
  const base = new URL(target);
  const agent = new Agent({ keepAlive: true });
  let holding = false;
  const waiting = new Set<Waiting>();
  const accepted: string[] = [];
  let inFlight = 0;

  function pass({ req, res, body, ids }: Waiting): void {
    inFlight++;
    let done = false;
    const finish = () => {
      if (!done) inFlight--;
      done = true;
    };
    const upstream = httpRequest(
      {
        host: base.hostname,
        port: base.port,
        method: req.method,
        path: req.url,
        agent,
        headers: { ...req.headers, host: base.host, 'content-length': String(body.length), connection: 'keep-alive' },
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('error', () => {
          finish();
          res.destroy();
        });
        answer.on('end', () => {
          const status = answer.statusCode ?? 502;
          // The vendor has it from here on, whether or not the relay hears the answer.
          if (status >= 200 && status < 300) accepted.push(...ids);
          const headers = { ...answer.headers };
          delete headers.connection;
          delete headers['keep-alive'];
          delete headers['transfer-encoding'];
          if (res.destroyed) return finish();
          res.writeHead(status, headers);
          res.end(Buffer.concat(chunks), finish);
          res.once('close', finish);
        });
      },
    );
    upstream.on('error', () => {
      finish();
      // The stand-ins reset the connection (a fault): the relay sees a network error too.
      res.destroy();
    });
    upstream.end(body);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => res.destroy());
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const entry: Waiting = { req, res, body, ids: eventKeys(new URL(req.url ?? '/', 'http://gate').pathname, body.toString('utf8')) };
      if (!holding) return pass(entry);
      waiting.add(entry);
      // The relay gave up (a timeout) or died: the vendor never sees this request.
      res.once('close', () => waiting.delete(entry));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    hold: () => void (holding = true),
    release() {
      holding = false;
      const passed: string[] = [];
      for (const entry of [...waiting]) {
        waiting.delete(entry);
        if (entry.res.destroyed || entry.req.socket.destroyed) continue;
        passed.push(...entry.ids);
        pass(entry);
      }
      return passed;
    },
    held: () => [...waiting].filter((entry) => !entry.req.socket.destroyed).length,
    heldKeys: () => [...waiting].filter((entry) => !entry.req.socket.destroyed).flatMap((entry) => entry.ids),
    inFlight: () => inFlight,
    acceptedKeys: () => [...accepted],
    close: () =>
      new Promise<void>((resolve) => {
        for (const entry of waiting) entry.res.destroy();
        waiting.clear();
        agent.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
