import type { Platform } from '../lib/platform';

/** What `forget()` says of the relay: it confirmed the deletion, did not, or there is no relay. */
export type RelayForgot = 'confirmed' | 'failed' | 'none';

/** The visitor's ids, for the relay to delete what it holds for them and has not forwarded. */
export interface ForgetIds {
  anonymousId: string;
  userId: string | null;
}

/**
 * The relay's `DELETE /v1/id` (contract §10): expires the id cookie; given the visitor's ids, it
 * also deletes their events not yet forwarded. Answered 2xx only once that is done.
 */
export async function deleteAtRelay(env: Pick<Platform, 'fetch'>, url: string, ids?: ForgetIds): Promise<RelayForgot> {
  try {
    const response = await env.fetch(url, {
      method: 'DELETE',
      credentials: 'same-origin',
      keepalive: true,
      ...(ids ? { body: JSON.stringify(ids), headers: { 'Content-Type': 'text/plain;charset=UTF-8' } } : {}),
    });
    return response.ok ? 'confirmed' : 'failed';
  } catch {
    return 'failed';
  }
}
