// The reverse proxy a site puts in front of the relay (contract §9-10), as demo/server.mjs and the
// browser tests use it: `/acquaint/<rest>` on the shop's own origin → `<relay>/<rest>`, with
// X-Forwarded-*. So the relay's id cookie is first-party, as nginx's `location /acquaint/` makes it.
import { request as httpRequest } from 'node:http';

const PREFIX = '/acquaint';

/** Whether a request is for the relay behind this origin. */
export const forRelay = (path) => path.startsWith(`${PREFIX}/`);

/**
 * Passes `req` to the relay at `relayUrl` (or a promise of it); answers 503 if the relay did not
 * start and 502 if it did not answer. `relay.trustProxy` makes the relay read X-Forwarded-For.
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string | Promise<string>} relayUrl
 */
export async function proxyToRelay(req, res, relayUrl) {
  const fail = (status, error) => {
    if (res.headersSent) return void res.destroy();
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify({ error }));
  };
  let target;
  try {
    target = new URL(await relayUrl);
  } catch {
    return fail(503, 'the relay did not start');
  }
  const proto = 'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http';
  const headers = { ...req.headers, host: target.host, 'x-forwarded-host': req.headers.host ?? '', 'x-forwarded-proto': proto };
  headers['x-forwarded-for'] = req.socket.remoteAddress ?? '';
  delete headers.connection;
  const upstream = httpRequest(
    { host: target.hostname, port: target.port, method: req.method, path: req.url.slice(PREFIX.length) || '/', headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', (err) => fail(502, `the relay did not answer: ${err.message}`));
  req.pipe(upstream);
}
