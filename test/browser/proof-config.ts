// The config of the proof tests (contract §10), Playwright's (proof.spec.ts) and WebKit's
// (test/webkit/proof.test.ts): the page's, which is also the relay's, with a server-mode
// destination at the vendor stand-ins' http vendor (down: the relay holds its events).
export const BANNER = { texts: { title: 'Cookies at the test shop' }, purposes: { analytics: { label: 'Shop statistics' } } };
/** `consent.tcf` for the pages with a TCF CMP. */
export const TCF = { analytics: [1, 7, 8, 9], marketing: [1, 2, 3, 4] };

export const proofConfig = (vendors: { httpUrl: string }) => ({
  version: 1,
  consent: {
    version: '2026-12',
    defaults: { analytics: 'pending', marketing: 'pending', personalization: 'pending' },
    banner: BANNER,
  },
  delivery: { flushIntervalMs: 50, retryBaseMs: 200 },
  relay: { url: '/acquaint' },
  destinations: [
    { id: 'collector', type: 'http', purposes: ['analytics'], settings: { url: '/v1/batch' } },
    { id: 'warehouse', type: 'http', mode: 'server', purposes: ['analytics'], settings: { url: vendors.httpUrl } },
  ],
});
