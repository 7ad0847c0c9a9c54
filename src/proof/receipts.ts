import type { ConsentChoices } from '../config/schema';
import type { Decision } from '../consent/decision';
import { backoff } from '../delivery/backoff';
import { isPlainObject } from '../lib/is';
import type { Platform } from '../lib/platform';

/** A consent receipt as the relay stores it (contract §10): proof of one decision, nothing about the visitor. */
export interface Receipt {
  receiptId: string;
  previousId: string | null;
  at: string;
  purposes: ConsentChoices;
  version?: string | number;
  source: Decision['source'];
  gpc: boolean;
  tcString?: string;
  gppString?: string;
  textsHash?: string;
}

/** What is kept in localStorage: the chain's last receipt (and what it said), and those not yet stored by the relay. */
interface Kept {
  last?: { id: string; print: string; tcString?: string; gppString?: string };
  queue: Receipt[];
}

export const RECEIPTS_KEY = 'acquaint.receipts';
// Decisions are rare; a device that cannot reach the relay for this many keeps the newest.
const MAX_QUEUED = 100;
const RETRY_BASE_MS = 2_000;
const RETRY_CAP_MS = 300_000;
const PURPOSE = /^[a-z][a-z0-9_]{0,39}$/;
const SOURCES: readonly string[] = ['banner', 'api', 'tcf', 'gpp', 'consent-mode', 'gpc'];

export type ReceiptsEnv = Pick<Platform, 'fetch' | 'uuid' | 'now' | 'gpc' | 'localStore' | 'setTimeout' | 'random' | 'onOnline'>;

export interface ReceiptsOptions {
  /** `<relay.url>/v1/consent`. */
  url: string;
  /** The config's consent version. */
  version?: string | number;
  /** SHA-256 of the banner's texts, for a receipt of the banner's choice. */
  textsHash?: string;
  /** A receipt the relay refused: said once, and not sent again. */
  refused(message: string): void;
}

function read(text: string | null | undefined): Kept {
  try {
    const kept: unknown = text ? JSON.parse(text) : undefined;
    if (!isPlainObject(kept) || !Array.isArray(kept.queue)) return { queue: [] };
    const { last } = kept;
    const linked = isPlainObject(last) && typeof last.id === 'string' && typeof last.print === 'string';
    return {
      ...(linked ? { last: last as Required<Kept>['last'] } : {}),
      queue: kept.queue.filter(isPlainObject) as unknown[] as Receipt[],
    };
  } catch {
    return { queue: [] };
  }
}

/**
 * Consent receipts (contract §10): each decision that changed what the last receipt says (or any
 * banner choice) becomes a receipt linked to the previous one, written to localStorage before it
 * is sent: a legal obligation, so it needs no consent, and it survives the page going and the
 * relay being down. Sent one at a time, oldest first, until the relay stores it (it ignores a
 * receipt it has, so another tab or page sending the same one again is harmless).
 */
export function createReceipts(env: ReceiptsEnv, options: ReceiptsOptions) {
  const store = env.localStore;
  let memory: Kept = { queue: [] }; // where localStorage is not there (or full)
  let sending = false;
  let attempt = 0;
  let timer = false;

  const load = (): Kept => (store ? read(store.get(RECEIPTS_KEY)) : memory);
  function save(kept: Kept): void {
    memory = kept;
    store?.set(RECEIPTS_KEY, JSON.stringify(kept));
  }

  function retry(): void {
    if (timer) return;
    timer = true;
    env.setTimeout(
      () => {
        timer = false;
        send();
      },
      backoff(++attempt, RETRY_BASE_MS, RETRY_CAP_MS, env.random()),
    );
  }

  function done(receiptId: string): void {
    const kept = load();
    save({ ...kept, queue: kept.queue.filter((receipt) => receipt.receiptId !== receiptId) });
  }

  function send(): void {
    const next = load().queue[0];
    if (sending || !next) return;
    sending = true;
    // keepalive: a receipt made as the page goes still leaves (and stays queued until answered).
    const request = {
      method: 'POST',
      body: JSON.stringify(next),
      keepalive: true,
      headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
    };
    env.fetch(options.url, request).then(
      (response) => {
        sending = false;
        const { status } = response;
        if (response.ok || (status >= 400 && status < 500 && status !== 408 && status !== 429)) {
          if (!response.ok) options.refused(`the relay refused consent receipt ${next.receiptId} (HTTP ${status})`);
          attempt = 0;
          done(next.receiptId);
          send();
        } else retry();
      },
      () => {
        sending = false;
        retry();
      },
    );
  }

  env.onOnline(send);
  send(); // what earlier pages (or other tabs) left

  return {
    /** A decision, with the state after it: a receipt unless it says what the last one said. */
    decided(decision: Decision, state: ConsentChoices): void {
      const kept = load();
      const purposes: ConsentChoices = {};
      // A purpose the page made up (`consent.update({'Ads-X': …})`) is no config's: the relay would refuse the whole receipt.
      for (const purpose of Object.keys(state).sort()) if (PURPOSE.test(purpose)) purposes[purpose] = state[purpose]!;
      const { version } = options;
      const { tcString, gppString } = decision;
      // The source of a stored choice was read back from localStorage (untrusted).
      const source = SOURCES.includes(decision.source) ? decision.source : 'api';
      const print = JSON.stringify([purposes, version, env.gpc]);
      const { last } = kept;
      // A banner choice is the visitor acting, even when it repeats the last; the rest is re-stated
      // on every page, and is new only if the state or the CMP's string changed.
      const same = last?.print === print && (!tcString || tcString === last.tcString) && (!gppString || gppString === last.gppString);
      if (same && (source !== 'banner' || decision.restated)) return;
      const receipt: Receipt = {
        receiptId: env.uuid(),
        previousId: last?.id ?? null,
        at: new Date(decision.at).toISOString(),
        purposes,
        ...(version !== undefined ? { version } : {}),
        source,
        gpc: env.gpc,
        ...(tcString ? { tcString } : {}),
        ...(gppString ? { gppString } : {}),
        ...(source === 'banner' && options.textsHash ? { textsHash: options.textsHash } : {}),
      };
      const strings = { tcString: tcString ?? last?.tcString, gppString: gppString ?? last?.gppString };
      save({ last: { id: receipt.receiptId, print, ...strings }, queue: [...kept.queue, receipt].slice(-MAX_QUEUED) });
      send();
    },
    /** The receipt that says what holds now, if one was made on this device. */
    current: (): string | undefined => load().last?.id,
    /** forget(): the device no longer links its next decision to this chain; receipts not yet sent still go. */
    unlink(): void {
      save({ queue: load().queue });
    },
  };
}

export type Receipts = ReturnType<typeof createReceipts>;
