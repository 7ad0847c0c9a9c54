import type { IncomingMessage, ServerResponse } from 'node:http';

/** Whether a request path is for the relay behind this origin (`/acquaint/…`). */
export function forRelay(path: string): boolean;
/** Passes `req` to the relay at `relayUrl`: `/acquaint/<rest>` → `<relay>/<rest>`, with X-Forwarded-*. */
export function proxyToRelay(req: IncomingMessage, res: ServerResponse, relayUrl: string | Promise<string>): Promise<void>;
