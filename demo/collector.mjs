// A tiny first-party collector plus static file server for the demo and the browser tests.
// It speaks the Segment-style batch API (contract section 6) and shows what arrives live.
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const DEFAULT_DIST = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
// Stand-ins for vendor tags (gtag.js, fbevents.js) that record calls and send nothing: /vendor/*.
const VENDOR = resolve(dirname(fileURLToPath(import.meta.url)), 'vendor');
const MAX_BODY = 1024 * 1024;

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json; charset=utf-8',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

// Every response gets these: no-store so a rebuilt dist/acquaint.js is always picked up,
// and CORS so the collector also works when the page is served from another origin.
const COMMON = {
  'Cache-Control': 'no-store',
  'Access-Control-Allow-Origin': '*',
  // A cross-origin page may only read Retry-After (e.g. on a 429) when it is exposed.
  'Access-Control-Expose-Headers': 'Retry-After',
  'X-Content-Type-Options': 'nosniff',
};

/**
 * Fault injection (for tests and the bench; see collector.d.mts): push entries to `faults` and
 * each one answers the next POST /v1/batch instead of recording it —
 * `{ status, headers? }` answers with that status and a JSON body, `{ hang: true }` never
 * answers (the socket stays open until down() or close()), `{ reset: true }` destroys the
 * socket. An empty list means normal service. `attempts` logs every POST /v1/batch (failed
 * ones too), `requests` counts them. `down()` closes the port (connections are refused) and
 * `up()` listens again on the same port. POST /collector/clear empties faults and the log too.
 *
 * @param {{ root: string, distDir?: string, port?: number, host?: string, log?: boolean }} options
 * @returns {Promise<import('./collector.d.mts').CollectorServer>}
 */
export function createCollectorServer({ root, distDir = DEFAULT_DIST, port = 0, host = '127.0.0.1', log = false }) {
  if (!root) throw new TypeError('createCollectorServer: root is required');
  const rootDir = resolve(root);
  const dist = resolve(distDir);

  // Arrays are mutated in place (never reassigned) so callers holding them see updates.
  const batches = [];
  const events = [];
  const seen = new Set();
  const streams = new Set();
  const faults = [];
  const attempts = [];
  const sockets = new Set();

  const send = (res, status, body, headers = {}) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const type = typeof body === 'string' ? TYPES['.txt'] : TYPES['.json'];
    res.writeHead(status, { ...COMMON, 'Content-Type': type, 'Content-Length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };

  const broadcast = (chunk) => {
    for (const res of streams) res.write(chunk);
  };
  const stats = () => `event: stats\ndata: ${JSON.stringify({ events: events.length, batches: batches.length })}\n\n`;

  function receive(body, dest) {
    const receivedAt = new Date().toISOString();
    batches.push(body);
    for (const raw of body.batch) {
      const event = { ...raw, receivedAt, receivedBy: dest };
      // Keep raw arrivals (at-least-once delivery means repeats are expected) but flag them.
      // Keyed per destination: the same event reaching both /v1/batch and ?dest=ads is no repeat.
      if (typeof raw.messageId === 'string') {
        const key = `${dest}\n${raw.messageId}`;
        if (seen.has(key)) event.duplicate = true;
        seen.add(key);
      }
      events.push(event);
      broadcast(`data: ${JSON.stringify(event)}\n\n`);
      if (log) console.log(describe(event));
    }
    broadcast(stats());
  }

  // What one fault entry does once the request body is in; false when it is no fault.
  function injectFault(fault, req, res, attempt) {
    if (!fault) return false;
    if (fault.reset) {
      attempt.answer = 'reset';
      req.socket.destroy();
    } else if (fault.hang) {
      attempt.answer = 'hang'; // no answer at all; down() or close() ends the socket
    } else {
      const status = Number(fault.status) || 503;
      attempt.answer = status;
      send(res, status, { ok: false, error: `injected fault: HTTP ${status}` }, fault.headers || {});
    }
    if (log) console.log(`${clock()} injected fault: ${attempt.answer} (${attempt.messageIds.length} event(s) not recorded)`);
    return true;
  }

  function handleBatch(req, res, query) {
    // Faults are taken in arrival order; the attempt is logged whatever the answer.
    const fault = faults.shift();
    const attempt = {
      at: Date.now(),
      dest: String(query.get('dest') || 'collector').slice(0, 64),
      bytes: 0,
      messageIds: [],
      answer: 'pending',
    };
    attempts.push(attempt);
    const declared = Number(req.headers['content-length']);
    if (declared > MAX_BODY) {
      attempt.answer = 413;
      return send(res, 413, { ok: false, error: 'body larger than 1 MB' }, { Connection: 'close' });
    }
    const chunks = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk) => {
      if (done) return;
      size += chunk.length;
      if (size > MAX_BODY) {
        done = true;
        attempt.answer = 413;
        send(res, 413, { ok: false, error: 'body larger than 1 MB' }, { Connection: 'close' });
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => {
      done = true;
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      attempt.bytes = size;
      // Content-Type is deliberately ignored: the SDK posts text/plain JSON to skip preflights.
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch (err) {
        if (injectFault(fault, req, res, attempt)) return;
        attempt.answer = 400;
        if (log) console.log(`${clock()} rejected batch: invalid JSON`);
        return send(res, 400, { ok: false, error: `invalid JSON: ${err.message}` });
      }
      const valid =
        body &&
        typeof body === 'object' &&
        Array.isArray(body.batch) &&
        body.batch.every((e) => e && typeof e === 'object' && !Array.isArray(e));
      if (valid) attempt.messageIds = body.batch.map((e) => e.messageId);
      if (injectFault(fault, req, res, attempt)) return;
      if (!valid) {
        attempt.answer = 400;
        if (log) console.log(`${clock()} rejected batch: no batch array of event objects`);
        return send(res, 400, { ok: false, error: 'expected {"batch": [event objects], "sentAt": ISO}' });
      }
      attempt.answer = 200;
      receive(body, attempt.dest);
      send(res, 200, { ok: true });
    });
  }

  // The remedy for Safari deleting script-written storage after 7 days: the site's own server
  // keeps the visitor's id in a first-party HttpOnly cookie and echoes it to acquaint, which
  // posts here once storage is allowed (config identity.serverIdUrl).
  function handleServerId(req, res) {
    const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= 1024) chunks.push(chunk);
    });
    req.on('end', () => {
      let posted;
      try {
        posted = JSON.parse(Buffer.concat(chunks).toString('utf8')).anonymousId;
      } catch {
        posted = undefined;
      }
      const cookie = /(?:^|;\s*)acq_id=([^;]+)/.exec(req.headers.cookie || '')?.[1];
      const id = cookie && UUID.test(cookie) ? cookie : typeof posted === 'string' && UUID.test(posted) ? posted : undefined;
      if (!id) return send(res, 400, { ok: false, error: 'expected {"anonymousId": uuid}' });
      // 400 days: the longest lifetime browsers allow a cookie.
      send(res, 200, { anonymousId: id }, { 'Set-Cookie': `acq_id=${id}; Path=/; Max-Age=34560000; HttpOnly; SameSite=Lax` });
    });
  }

  function handleStream(req, res) {
    res.writeHead(200, { ...COMMON, 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
    // A (re)connecting client gets everything again, so tell it to start from an empty list.
    res.write('retry: 2000\nevent: reset\ndata: {}\n\n');
    for (const event of events) res.write(`data: ${JSON.stringify(event)}\n\n`);
    res.write(stats());
    streams.add(res);
    res.on('close', () => streams.delete(res));
  }

  async function handleStatic(req, res, pathname) {
    let decoded;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return send(res, 400, 'Bad request');
    }
    if (decoded.includes('\0') || decoded.split('/').some((part) => part.startsWith('.') && part !== '')) {
      return send(res, 404, 'Not found'); // no dotfiles, no "..", whatever the encoding
    }
    let file;
    if (decoded === '/acquaint.js' || decoded.startsWith('/dist/')) {
      file = await findFile(inside(dist, decoded === '/acquaint.js' ? decoded : decoded.slice('/dist'.length)));
    } else if (decoded.startsWith('/vendor/')) {
      file = await findFile(inside(VENDOR, decoded.slice('/vendor'.length)));
    } else {
      file = await findFile(inside(rootDir, decoded));
      // Files the runtime loads next to itself (consent-ui.js, source maps) live in dist too.
      if (!file && decoded.lastIndexOf('/') === 0) file = await findFile(inside(dist, decoded));
    }
    if (!file) return send(res, 404, 'Not found');
    const info = await stat(file);
    res.writeHead(200, {
      ...COMMON,
      'Content-Type': TYPES[extname(file).toLowerCase()] || 'application/octet-stream',
      'Content-Length': info.size,
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  }

  const server = createServer((req, res) => {
    const url = req.url || '/';
    const q = url.indexOf('?');
    // Parsed by hand: new URL() would normalise "/../" away and hide traversal attempts.
    const pathname = q === -1 ? url : url.slice(0, q);
    const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
    const route = `${req.method} ${pathname}`;

    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        ...COMMON,
        'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
        'Access-Control-Allow-Headers': 'Content-Type',
        'Access-Control-Max-Age': '600',
      });
      return res.end();
    }
    if (pathname === '/v1/batch') {
      return req.method === 'POST' ? handleBatch(req, res, query) : send(res, 405, 'Use POST', { Allow: 'POST, OPTIONS' });
    }
    if (route === 'GET /collector/events') return handleStream(req, res);
    if (route === 'GET /collector/events.json') return send(res, 200, events);
    if (route === 'POST /acquaint/id') return handleServerId(req, res);
    if (route === 'POST /collector/clear') {
      req.resume();
      batches.length = 0;
      events.length = 0;
      seen.clear();
      faults.length = 0;
      attempts.length = 0;
      broadcast(`event: clear\ndata: {}\n\n${stats()}`);
      return send(res, 200, { ok: true });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed');
    handleStatic(req, res, pathname).catch((err) => {
      if (!res.headersSent) send(res, 500, 'Internal error');
      else res.destroy();
      if (log) console.error(err);
    });
  });

  // Every socket, so down() and close() can end hanging and keep-alive ones too.
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  // Heartbeat comments keep idle SSE connections from being cut by proxies.
  const heartbeat = setInterval(() => broadcast(': ping\n\n'), 15000);
  heartbeat.unref();

  const listen = (onPort) =>
    new Promise((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(onPort, host, () => {
        server.off('error', reject);
        resolveListen(server.address().port);
      });
    });

  // Stops listening and ends every open socket (SSE streams, hanging requests, keep-alive).
  const shut = () =>
    new Promise((done) => {
      for (const res of streams) res.end();
      streams.clear();
      if (server.listening) server.close(() => done());
      else done();
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
    });

  let closing;
  let switching = Promise.resolve();
  const close = () => {
    closing ??= switching.then(() => {
      clearInterval(heartbeat);
      return shut();
    });
    return closing;
  };

  return listen(port).then((actual) => {
    const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
    // down()/up() run one after the other, never interleaved.
    const serial = (step) => {
      const run = switching.then(step);
      switching = run.catch(() => undefined);
      return run;
    };
    return {
      url: `http://${shownHost}:${actual}`,
      port: actual,
      server,
      batches,
      events,
      faults,
      attempts,
      get requests() {
        return attempts.length;
      },
      get isDown() {
        return !server.listening;
      },
      down: () => serial(() => (closing ? undefined : shut())),
      up: () => serial(() => (closing || server.listening ? undefined : listen(actual).then(() => undefined))),
      close,
    };
  });
}

// Resolves a URL path under base, or null when it would escape base.
function inside(base, urlPath) {
  const file = resolve(base, `.${urlPath}`);
  return file === base || file.startsWith(base + sep) ? file : null;
}

// The file itself, or the index.html of a directory; null when there is none.
async function findFile(file) {
  if (!file) return null;
  try {
    const info = await stat(file);
    if (info.isFile()) return file;
    if (info.isDirectory()) return findFile(resolve(file, 'index.html'));
  } catch {
    // missing: fall through
  }
  return null;
}

function clock() {
  return new Date().toISOString().slice(11, 23);
}

function describe(event) {
  const name =
    event.type === 'page'
      ? event.name || event.properties?.name || event.context?.page?.path || event.properties?.path || ''
      : event.type === 'identify'
        ? `user ${event.userId ?? ''}`
        : event.event || '';
  const id = typeof event.messageId === 'string' ? event.messageId.slice(0, 8) : '--------';
  const dup = event.duplicate ? ' (duplicate)' : '';
  return `${clock()}  ${String(event.type).padEnd(8)} ${String(name).padEnd(22)} -> ${event.receivedBy.padEnd(10)} ${id}${dup}`;
}
