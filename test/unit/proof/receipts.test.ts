import { describe, expect, it, vi } from 'vitest';
import type { Decision } from '../../../src/consent/decision';
import { createReceipts, RECEIPTS_KEY, type Receipt, type ReceiptsEnv } from '../../../src/proof/receipts';
import { answer, memoryLocalStore } from '../fake-env';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const AT = Date.parse('2026-12-07T10:00:00Z');
const STATE = { necessary: 'granted', analytics: 'granted', marketing: 'denied', personalization: 'pending' } as const;

/** A relay answering each receipt with `status()`; timers run when `tick()` is called. */
function setup(status: () => number | Error = () => 200, local: ReturnType<typeof memoryLocalStore> | null = memoryLocalStore()) {
  const sent: Receipt[] = [];
  const timers: (() => void)[] = [];
  let online = (): void => undefined;
  const fetch = vi.fn((_url: string, init: RequestInit) => {
    const code = status();
    if (code instanceof Error) return Promise.reject(code);
    sent.push(JSON.parse(init.body as string) as Receipt);
    return Promise.resolve(answer(code));
  });
  const env: ReceiptsEnv = {
    fetch,
    uuid: () => crypto.randomUUID(),
    now: () => AT,
    gpc: false,
    ...(local ? { localStore: local } : {}),
    setTimeout: (callback) => timers.push(callback),
    random: () => 0.5,
    onOnline: (listener) => (online = listener),
  };
  const refused = vi.fn();
  const receipts = createReceipts(env, { url: '/acquaint/v1/consent', version: '2026-11', textsHash: 'a'.repeat(64), refused });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  const tick = async () => {
    for (const timer of timers.splice(0)) timer();
    await settle();
  };
  const kept = () => JSON.parse(local?.get(RECEIPTS_KEY) ?? '{"queue":[]}') as { last?: { id: string }; queue: Receipt[] };
  return { receipts, sent, fetch, refused, local, tick, settle, kept, online: () => online(), timers };
}
const decide = (source: Decision['source'], extra: Partial<Decision> = {}): Decision => ({ source, at: AT, ...extra });

describe('consent receipts', () => {
  it('makes one per decision, linked to the previous, with what the contract lists and nothing about the visitor', async () => {
    const { receipts, sent, settle, kept } = setup();
    receipts.decided(decide('banner'), STATE);
    await settle();
    receipts.decided(decide('tcf', { tcString: 'CQ-1' }), { ...STATE, marketing: 'granted' });
    await settle();
    receipts.decided(decide('api'), { ...STATE, analytics: 'denied', marketing: 'denied' });
    await settle();
    expect(sent).toHaveLength(3);
    const [first, second, third] = sent as [Receipt, Receipt, Receipt];
    expect(first.receiptId).toMatch(UUID_V4);
    expect(first).toEqual({
      receiptId: first.receiptId,
      previousId: null,
      at: '2026-12-07T10:00:00.000Z',
      purposes: { analytics: 'granted', marketing: 'denied', necessary: 'granted', personalization: 'pending' },
      version: '2026-11',
      source: 'banner',
      gpc: false,
      textsHash: 'a'.repeat(64),
    });
    expect(second).toMatchObject({ previousId: first.receiptId, source: 'tcf', tcString: 'CQ-1' });
    expect(second).not.toHaveProperty('textsHash'); // only a banner choice was shown the texts
    expect(third).toMatchObject({ previousId: second.receiptId, source: 'api' });
    expect(receipts.current()).toBe(third.receiptId);
    expect(kept().queue).toEqual([]);
  });

  it('makes none for a decision that says what the last receipt said, except the visitor choosing in the banner again', async () => {
    const { receipts, sent, settle } = setup();
    receipts.decided(decide('tcf', { tcString: 'CQ-1' }), STATE);
    receipts.decided(decide('tcf', { tcString: 'CQ-1' }), STATE); // a CMP re-states on every page
    receipts.decided(decide('consent-mode'), STATE); // and so does a site's own banner through gtag
    await settle();
    expect(sent).toHaveLength(1);
    receipts.decided(decide('tcf', { tcString: 'CQ-2' }), STATE); // a new TC string: the visitor decided again
    receipts.decided(decide('banner'), { ...STATE });
    receipts.decided(decide('banner'), { ...STATE });
    receipts.decided(decide('banner', { restated: true }), { ...STATE }); // the stored choice, on the next page
    for (let i = 0; i < 4; i++) await settle();
    expect(sent.map((r) => r.source)).toEqual(['tcf', 'tcf', 'banner', 'banner']);
  });

  it('keeps a receipt in localStorage until the relay stores it, retries with backoff and when back online, sends it once', async () => {
    let down = true;
    const { receipts, sent, fetch, tick, kept, online, settle, timers } = setup(() => (down ? new TypeError('Failed to fetch') : 200));
    receipts.decided(decide('banner'), STATE);
    expect(kept().queue).toHaveLength(1); // written before the request goes
    await settle();
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(timers).toHaveLength(1);
    await tick();
    expect(fetch).toHaveBeenCalledTimes(2);
    down = false;
    online();
    await settle();
    expect(sent).toHaveLength(1);
    expect(kept().queue).toEqual([]);
    await tick(); // the retry still scheduled finds nothing to send
    expect(sent).toHaveLength(1);
  });

  it('sends what an earlier page left, oldest first, and goes on linking from its last receipt', async () => {
    const local = memoryLocalStore();
    const first = setup(() => 503, local);
    first.receipts.decided(decide('banner'), STATE);
    first.receipts.decided(decide('api'), { ...STATE, marketing: 'granted' });
    await first.settle();
    const left = first.kept().queue.map((r) => r.receiptId);
    expect(left).toHaveLength(2);
    const next = setup(() => 200, local); // the next page, with the relay back
    for (let i = 0; i < 3; i++) await next.settle();
    expect(next.sent.map((r) => r.receiptId)).toEqual(left);
    next.receipts.decided(decide('api'), { ...STATE, marketing: 'denied', analytics: 'denied' });
    await next.settle();
    expect(next.sent[2]!.previousId).toBe(left[1]);
  });

  it('drops a receipt the relay refuses (4xx), says so, and goes on with the next', async () => {
    const codes = [400, 200];
    const { receipts, sent, refused, kept, settle } = setup(() => codes.shift() ?? 200);
    receipts.decided(decide('banner'), STATE);
    receipts.decided(decide('api'), { ...STATE, marketing: 'granted' });
    for (let i = 0; i < 3; i++) await settle();
    expect(sent).toHaveLength(2);
    expect(refused).toHaveBeenCalledWith(expect.stringContaining('HTTP 400'));
    expect(kept().queue).toEqual([]);
  });

  it('after forget, links its next decision to nothing, while receipts not yet sent still go', async () => {
    const { receipts, sent, kept, settle } = setup(() => 503);
    receipts.decided(decide('banner'), STATE);
    receipts.unlink();
    expect(kept().queue).toHaveLength(1);
    expect(receipts.current()).toBeUndefined();
    receipts.decided(decide('banner'), STATE);
    await settle();
    expect(kept().queue[1]!.previousId).toBeNull();
    expect(sent.length).toBeGreaterThan(0);
  });

  it("takes a source read back from storage that is not one of the sources as the API's", async () => {
    const { receipts, sent, settle } = setup();
    receipts.decided({ source: 'nonsense' as never, at: AT, restated: true }, STATE);
    await settle();
    expect(sent[0]!.source).toBe('api');
  });

  it('leaves out a purpose name no config could have, which the relay would refuse the receipt for', async () => {
    const { receipts, sent, settle } = setup();
    receipts.decided(decide('api'), { ...STATE, 'Ads-X': 'granted' });
    await settle();
    expect(Object.keys(sent[0]!.purposes)).toEqual(['analytics', 'marketing', 'necessary', 'personalization']);
  });

  it('reads bad stored data as none', async () => {
    const local = memoryLocalStore();
    local.set(RECEIPTS_KEY, '{"last": {"id": 5}, "queue": "no"}');
    const { receipts, sent, settle } = setup(() => 200, local);
    receipts.decided(decide('api'), STATE);
    await settle();
    expect(sent[0]!.previousId).toBeNull();
  });

  it('works in memory where localStorage is not there', async () => {
    const { receipts, sent, settle } = setup(() => 200, null);
    receipts.decided(decide('api'), STATE);
    receipts.decided(decide('api'), { ...STATE, analytics: 'denied' });
    for (let i = 0; i < 3; i++) await settle();
    expect(sent[1]!.previousId).toBe(sent[0]!.receiptId);
  });
});
