import type { AdapterEnv } from '../lib/platform';

// What a server echo may hold: an id acquaint itself made (a UUID), nothing else.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Safari deletes script-written storage after 7 days without a visit (ITP). The standard
 * remedy: the site's own server keeps the id in a first-party HttpOnly cookie. This posts our
 * id to that endpoint, which sets the cookie if it has none and answers with the id it holds;
 * that id is returned when it differs from ours, for the caller to adopt.
 */
export async function syncServerId(env: Pick<AdapterEnv, 'fetch'>, url: string, anonymousId: string): Promise<string | undefined> {
  try {
    const response = await env.fetch(url, {
      method: 'POST',
      body: JSON.stringify({ anonymousId }),
      headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
      credentials: 'same-origin',
    });
    if (!response.ok || !('json' in response)) return undefined;
    const answer: unknown = await (response as { json(): Promise<unknown> }).json();
    const echoed = answer && typeof answer === 'object' ? (answer as { anonymousId?: unknown }).anonymousId : undefined;
    return typeof echoed === 'string' && UUID.test(echoed) && echoed !== anonymousId ? echoed : undefined;
  } catch {
    return undefined; // the server is optional; the page goes on with its own id
  }
}
