// Page-side scenarios that the Playwright suite (`page.evaluate(fn)`) and the WebKit suite
// (`run(driver, fn)`) both run: each is serialised into the page, so it uses only page globals.

/**
 * Storage becomes allowed, and the page identifies and tracks in the same task, while acquaint
 * is still opening IndexedDB: returns what threw into the page (nothing may).
 */
export function grantIdentifyAndTrack(): string[] {
  const errors: string[] = [];
  const attempt = (label: string, call: () => void) => {
    try {
      call();
    } catch (error) {
      errors.push(`${label} threw ${String(error)}`);
    }
  };
  attempt('consent.update', () => window.acquaint!.consent.update({ analytics: 'granted' }));
  attempt('identify', () => window.acquaint!.identify('user-3', { plan: 'pro' }));
  attempt('track', () => window.acquaint!.track('no_idb_1'));
  return errors;
}
