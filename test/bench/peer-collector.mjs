// The loopback server for the peers bench: serves the bench pages and each SDK's files, answers
// the settings requests the SDKs make at start-up, and collects what they post in any of their wire
// formats (Segment-style batch, single event, beacon text/plain). Listens on 127.0.0.1 only.
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { EventEmitter } from 'node:events';
import { extname, resolve, sep } from 'node:path';
import { performance } from 'node:perf_hooks';

const MAX_BODY = 8 * 1024 * 1024;
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.json': 'application/json; charset=utf-8' };

/** The events one posted body carries: `{batch: [...]}`, a bare array, or one event object. */
export function eventsIn(body) {
  if (Array.isArray(body?.batch)) return body.batch;
  if (Array.isArray(body)) return body;
  return body && typeof body === 'object' ? [body] : [];
}

/**
 * @param {object} options
 * @param {Record<string, string>} options.mounts URL prefix ("/sdk/segment/") → directory, or exact path → file
 * @param {(path: string) => string | undefined} options.page generated HTML for a path, if any
 * @param {Record<string, (host: string) => object>} options.stubs GET path prefix → JSON answer (SDK settings)
 */
export function createPeerCollector({ mounts, page, stubs }) {
  // Each arrival: { at (epoch ms, sub-ms), path, keys: ["name#n", ...] }. `emit('arrival')` wakes waiters.
  const arrivals = [];
  const emitter = new EventEmitter();

  /** Where a URL path is served from on disk, or undefined. */
  function fileFor(pathname) {
    for (const [prefix, target] of Object.entries(mounts)) {
      if (pathname === prefix) return target;
      if (prefix.endsWith('/') && pathname.startsWith(prefix)) {
        const file = resolve(target, `.${pathname.slice(prefix.length - 1)}`);
        if (file.startsWith(target + sep)) return file;
      }
    }
    return undefined;
  }

  const send = (res, status, type, text, headers = {}) => {
    res.writeHead(status, { 'Cache-Control': 'no-store', 'Content-Type': type, 'Content-Length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };

  function collect(req, res, pathname) {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => {
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(res, 400, 'text/plain', 'invalid JSON');
      }
      // One key per event: its name and the index the bench put in its properties, so a
      // repeat (retry, beacon after fetch) counts once whatever id scheme the SDK uses.
      const keys = eventsIn(body).map((e) => `${e?.event ?? e?.name ?? e?.type}#${e?.properties?.n ?? ''}`);
      arrivals.push({ at: performance.timeOrigin + performance.now(), path: pathname, keys });
      emitter.emit('arrival');
      send(res, 200, 'application/json', '{"ok":true}', cors(req));
    });
  }

  // Same origin in this bench, but an SDK may still send credentials or custom headers.
  const cors = (req) =>
    req.headers.origin
      ? {
          'Access-Control-Allow-Origin': req.headers.origin,
          'Access-Control-Allow-Credentials': 'true',
        }
      : {};

  const server = createServer(async (req, res) => {
    const url = new URL(req.url || '/', 'http://127.0.0.1');
    const { pathname } = url;
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        ...cors(req),
        'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
        'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] || 'Content-Type',
        'Access-Control-Max-Age': '600',
      });
      return res.end();
    }
    if (req.method === 'POST') return collect(req, res, pathname);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed');
    const stub = Object.keys(stubs).find((prefix) => pathname.startsWith(prefix));
    if (stub) return send(res, 200, TYPES['.json'], JSON.stringify(stubs[stub](req.headers.host)), cors(req));
    const html = page(pathname);
    if (html) return send(res, 200, TYPES['.html'], html);
    const file = fileFor(pathname);
    const info = file && (await stat(file).catch(() => undefined));
    if (!info?.isFile()) return send(res, 404, 'text/plain', 'not found');
    res.writeHead(200, {
      'Cache-Control': 'no-store',
      'Content-Type': TYPES[extname(file)] || 'application/octet-stream',
      'Content-Length': info.size,
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  });

  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolveListen({
        url: `http://127.0.0.1:${port}`,
        arrivals,
        fileFor,
        /** Calls `listener` after every arrival until the returned function is called. */
        onArrival(listener) {
          emitter.on('arrival', listener);
          return () => emitter.off('arrival', listener);
        },
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
