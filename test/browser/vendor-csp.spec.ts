import { expect, test, type Page } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DIST, useCollector, waitForEvents, watchPage } from './helpers';
import { routeVendors, waitForCall, watchNetwork } from './vendor-helpers';

// Vendor tags on a page with a strict Content-Security-Policy (no unsafe-inline, no unsafe-eval):
// acquaint passes its tag's nonce to every script it adds, so ga4, meta-pixel and script
// destinations all load and run with not one violation.
const collector = useCollector();

const STRICT = "script-src 'nonce-abc123' 'strict-dynamic'; object-src 'none'; base-uri 'none'";
// Without 'strict-dynamic' a script added by a trusted script runs only with the nonce itself.
const NONCE_ONLY = "script-src 'nonce-abc123'; object-src 'none'; base-uri 'none'";

declare global {
  interface Window {
    __violations?: string[];
  }
}

/** Opens fixtures/csp-vendor.html served with `policy` as its CSP header, violations recorded from the start. */
async function openUnderCsp(page: Page, policy: string): Promise<void> {
  const { app } = collector;
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__violations!.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
    });
  });
  await routeVendors(page, app);
  await page.route(`${app.url}/csp-vendor.html`, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': policy } });
  });
  await page.goto(`${app.url}/csp-vendor.html`);
  await page.waitForFunction(() => window.acquaint !== undefined);
  await page.evaluate(() => window.acquaint!.ready());
}

async function grantAndSeeAllThree(page: Page): Promise<void> {
  const { app } = collector;
  await page.evaluate(async () => {
    window.acquaint!.consent.update({ analytics: 'granted', marketing: 'granted' });
    window.acquaint!.track('purchase', { value: 3 });
    await window.acquaint!.flush();
  });
  await waitForEvents(app, 2, 'collector');
  await waitForCall(page, 'gtag', (args) => args[0] === 'event' && args[1] === 'purchase', 'purchase');
  await waitForCall(page, 'fbq', (args) => args[0] === 'track' && args[1] === 'Purchase', 'Purchase');
  await expect
    .poll(() => page.evaluate(() => window.__widgetCalls ?? []), { message: 'widget calls', timeout: 10_000 })
    .toEqual([
      ['init', 'W-1'],
      ['event', 'page'],
      ['event', 'purchase'],
    ]);
}

const cspMessages = (texts: string[]) => texts.filter((text) => /Content Security Policy|Refused to/i.test(text));

test.describe('vendor tags under a strict CSP', () => {
  for (const [name, policy] of [
    ["nonce + 'strict-dynamic'", STRICT],
    ['nonce only', NONCE_ONLY],
  ] as const) {
    test(`${name}: ga4, meta-pixel and script destinations load and get their calls, with zero violations`, async ({ page }) => {
      const log = watchPage(page);
      const net = watchNetwork(page);
      await openUnderCsp(page, policy);
      await grantAndSeeAllThree(page);

      // Every script acquaint added carries the nonce (the only way in without 'strict-dynamic').
      const added = await page.evaluate(() =>
        Array.from(document.querySelectorAll('script[src]'), (s) => [
          new URL((s as HTMLScriptElement).src).pathname,
          (s as HTMLScriptElement).nonce,
        ]),
      );
      expect(added.map(([path]) => path).sort()).toEqual([
        '/acquaint-ga4.js',
        '/acquaint-meta-pixel.js',
        '/acquaint-script.js',
        '/acquaint.js',
        '/en_US/fbevents.js',
        '/gtag/js',
        '/vendor-widget.js',
      ]);
      for (const [, nonce] of added) expect(nonce).toBe('abc123');
      expect(net.vendor()).toHaveLength(2);

      expect(await page.evaluate(() => window.__violations)).toEqual([]);
      expect(cspMessages([...log.errors, ...log.warnings])).toEqual([]);
      expect(log.pageErrors).toEqual([]);
      expect(await page.evaluate(() => (window.reports ?? []).filter((r) => r.type === 'error'))).toEqual([]);

      // The policy is in force and the listener hears it: an inline handler is refused...
      const inline = await page.evaluate(() => {
        const button = document.createElement('button');
        button.setAttribute('onclick', 'window.__inlineRan = true');
        document.body.append(button);
        button.click();
        return (window as unknown as { __inlineRan?: boolean }).__inlineRan ?? false;
      });
      expect(inline).toBe(false);
      await expect.poll(() => page.evaluate(() => window.__violations!.map((v) => v.split(' ')[0]))).toEqual(['script-src-attr']);
      if (policy === NONCE_ONLY) {
        // ...and, without 'strict-dynamic', so is a script added without the nonce.
        const unsigned = await page.evaluate(
          () =>
            new Promise<string>((resolve) => {
              const script = document.createElement('script');
              script.src = '/vendor-widget.js?unsigned';
              script.onload = () => resolve('loaded');
              script.onerror = () => resolve('refused');
              document.head.append(script);
            }),
        );
        expect(unsigned).toBe('refused');
      }
    });
  }

  test('the page scripts contain no eval and no new Function', () => {
    const files = readdirSync(DIST).filter((file) => /^acquaint.*\.js$/.test(file) || file === 'consent-ui.js');
    expect(files).toEqual(expect.arrayContaining(['acquaint.js', 'acquaint-ga4.js', 'acquaint-meta-pixel.js', 'acquaint-script.js']));
    for (const file of files) {
      const code = readFileSync(resolve(DIST, file), 'utf8');
      expect(code, file).not.toMatch(/\beval\s*\(/);
      expect(code, file).not.toMatch(/\bnew\s+Function\b/);
      expect(code, file).not.toMatch(/\bFunction\s*\(\s*["'`]/);
      expect(code, file).not.toMatch(/set(Timeout|Interval)\s*\(\s*["'`]/);
    }
  });
});
