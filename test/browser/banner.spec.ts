import { expect, test, type Locator, type Page, type TestInfo } from '@playwright/test';
import type { BannerHandle, BannerOptions, OpenBanner } from '../../src/consent-ui/types';
import { axeViolations, expectNoAxeViolations } from './axe';
import { openReady, useCollector, waitForEvents } from './helpers';

// The consent banner, dist/consent-ui.js, loaded on its own by banner-*.html: the fixture keeps
// the open function from the banner's event, and every `choose` call lands in window.choices.
// Driven by the keyboard alone, as issue 3 asks; checked by axe inside its shadow root.
const collector = useCollector();

declare global {
  interface Window {
    choices?: Record<string, string>[];
    openBanner?: OpenBanner;
    banner?: BannerHandle;
    violations?: string[];
    pwned?: boolean;
  }
}

type Sample = Omit<BannerOptions, 'choose' | 'data' | 'forget'>;

const PURPOSES: Sample['purposes'] = [
  { id: 'necessary', state: 'granted', locked: true },
  { id: 'analytics', state: 'pending', locked: false },
  { id: 'marketing', state: 'denied', locked: false },
  { id: 'personalization', state: 'pending', locked: false },
];
const GPC_PURPOSES: Sample['purposes'] = PURPOSES.map((p) => (p.id === 'marketing' ? { ...p, locked: true } : p));
const GPC_NOTICE = 'Your browser sends Global Privacy Control: marketing stays off';

/** Opens the banner in the fixture with the sample options (and `overrides`). */
async function openBanner(page: Page, overrides: Partial<Sample> = {}, fixture = '/banner-page.html'): Promise<void> {
  if (!page.url().endsWith(fixture)) await page.goto(collector.app.url + fixture);
  await page.waitForFunction(() => typeof window.openBanner === 'function');
  const options: Sample = { texts: {}, purposes: PURPOSES, gpc: false, ...overrides };
  await page.evaluate((options) => {
    window.banner = window.openBanner!({ ...options, choose: (choices) => void window.choices!.push(choices) });
  }, options);
}

const choices = (page: Page) => page.evaluate(() => window.choices);
const host = (page: Page) => page.locator('acquaint-consent');
const region = (page: Page) => page.getByRole('region', { name: 'Your privacy choices' });
const dialog = (page: Page) => page.getByRole('dialog', { name: 'Your privacy choices' });
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const toggle = (page: Page, name: string) => page.getByRole('switch', { name, exact: true });

/** Whether `target` has focus, looking through shadow roots. */
const hasFocus = (target: Locator) =>
  target.evaluate((element) => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active === element;
  });

/** Presses `key` (Tab or Shift+Tab) until `target` has focus; fails after a dozen presses. */
async function tabTo(page: Page, target: Locator, key = 'Tab'): Promise<void> {
  for (let presses = 0; presses < 12 && !(await hasFocus(target)); presses++) await page.keyboard.press(key);
  expect(await hasFocus(target), `${key} reaches ${String(target)}`).toBe(true);
}

/** The label of whatever has focus (through shadow roots), for walking the tab order. */
const focusedName = (page: Page) =>
  page.evaluate(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    if (active instanceof HTMLInputElement) return active.labels?.[0]?.textContent ?? active.id;
    return active?.textContent ?? null;
  });

async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

test.use({ reducedMotion: 'reduce', viewport: { width: 1024, height: 700 } });

test.describe('consent banner: keyboard', () => {
  test('moves focus to Accept all on open, and Accept all grants every unlocked purpose', async ({ page }) => {
    await openBanner(page);
    await expect(region(page)).toBeVisible();
    expect(await hasFocus(button(page, 'Accept all'))).toBe(true);
    await page.keyboard.press('Space');
    expect(await choices(page)).toEqual([{ analytics: 'granted', marketing: 'granted', personalization: 'granted' }]);
    await expect(host(page)).toHaveCount(0);
  });

  test('Reject all denies every unlocked purpose', async ({ page }) => {
    await openBanner(page);
    await tabTo(page, button(page, 'Reject all'));
    await page.keyboard.press('Enter');
    expect(await choices(page)).toEqual([{ analytics: 'denied', marketing: 'denied', personalization: 'denied' }]);
    await expect(host(page)).toHaveCount(0);
  });

  test('Choose, analytics on, Save grants analytics and denies the rest', async ({ page }) => {
    await openBanner(page);
    await tabTo(page, button(page, 'Choose'));
    await page.keyboard.press('Enter');
    await expect(dialog(page)).toBeVisible();
    await expect(region(page)).toBeHidden();
    expect(await hasFocus(toggle(page, 'Analytics'))).toBe(true);
    await expect(toggle(page, 'Analytics')).not.toBeChecked();
    await page.keyboard.press('Space');
    await expect(toggle(page, 'Analytics')).toBeChecked();
    await tabTo(page, button(page, 'Save'));
    await page.keyboard.press('Enter');
    expect(await choices(page)).toEqual([{ analytics: 'granted', marketing: 'denied', personalization: 'denied' }]);
    await expect(host(page)).toHaveCount(0);
  });

  test('Enter toggles a switch too, and the switches start from each purpose state', async ({ page }) => {
    await openBanner(page, { purposes: PURPOSES.map((p) => (p.id === 'marketing' ? { ...p, state: 'granted' } : p)) });
    await tabTo(page, button(page, 'Choose'));
    await page.keyboard.press('Enter');
    await expect(toggle(page, 'Marketing')).toBeChecked();
    await expect(toggle(page, 'Personalization')).not.toBeChecked();
    await tabTo(page, toggle(page, 'Personalization'));
    await page.keyboard.press('Enter');
    await expect(toggle(page, 'Personalization')).toBeChecked();
    await tabTo(page, button(page, 'Save'));
    await page.keyboard.press('Space');
    expect(await choices(page)).toEqual([{ analytics: 'denied', marketing: 'granted', personalization: 'granted' }]);
  });

  test('Escape in the choices goes back to the first layer, focus on Choose, toggles kept', async ({ page }) => {
    await openBanner(page);
    await tabTo(page, button(page, 'Choose'));
    await page.keyboard.press('Enter');
    await page.keyboard.press('Space');
    await page.keyboard.press('Escape');
    await expect(dialog(page)).toBeHidden();
    await expect(region(page)).toBeVisible();
    expect(await hasFocus(button(page, 'Choose'))).toBe(true);
    expect(await choices(page)).toEqual([]);
    await page.keyboard.press('Enter');
    await expect(toggle(page, 'Analytics')).toBeChecked();
    await tabTo(page, button(page, 'Back'));
    await page.keyboard.press('Enter');
    await expect(region(page)).toBeVisible();
    expect(await hasFocus(button(page, 'Choose'))).toBe(true);
  });

  test('traps Tab and Shift+Tab inside the choices dialog', async ({ page }) => {
    await openBanner(page, { layer: 'choose' });
    expect(await focusedName(page)).toBe('Analytics');
    const forward: (string | null)[] = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      forward.push(await focusedName(page));
    }
    expect(forward).toEqual(['Marketing', 'Personalization', 'Save', 'Back', 'Analytics', 'Marketing']);
    const backward: (string | null)[] = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Shift+Tab');
      backward.push(await focusedName(page));
    }
    expect(backward).toEqual(['Analytics', 'Back', 'Save', 'Personalization', 'Marketing', 'Analytics']);
  });

  test('gives focus back to the element that had it before opening', async ({ page }) => {
    await page.goto(collector.app.url + '/banner-page.html');
    await tabTo(page, page.locator('#settings'));
    await openBanner(page);
    expect(await hasFocus(page.locator('#settings'))).toBe(false);
    await tabTo(page, button(page, 'Choose'));
    await page.keyboard.press('Enter');
    await tabTo(page, button(page, 'Save'));
    await page.keyboard.press('Enter');
    await expect(host(page)).toHaveCount(0);
    expect(await hasFocus(page.locator('#settings'))).toBe(true);
  });

  test('close() from the site removes everything and leaves focus where the site put it', async ({ page }) => {
    await page.goto(collector.app.url + '/banner-page.html');
    const before = await page.evaluate(() => document.documentElement.outerHTML);
    await openBanner(page);
    await page.evaluate(() => {
      document.getElementById('settings')!.focus();
      window.banner!.close();
      window.banner!.close();
    });
    await expect(host(page)).toHaveCount(0);
    expect(await page.evaluate(() => document.documentElement.outerHTML)).toBe(before);
    expect(await hasFocus(page.locator('#settings'))).toBe(true);
    expect(await choices(page)).toEqual([]);
  });
});

test.describe('consent banner: purposes and texts', () => {
  test('locked purposes are shown at their fixed state and cannot be toggled', async ({ page }) => {
    await openBanner(page, { layer: 'choose', gpc: true, purposes: GPC_PURPOSES });
    const necessary = toggle(page, 'Necessary');
    const marketing = toggle(page, 'Marketing');
    await expect(necessary).toBeChecked();
    await expect(necessary).toBeDisabled();
    await expect(marketing).not.toBeChecked();
    await expect(marketing).toBeDisabled();
    // The keyboard never lands on them.
    const order: (string | null)[] = [];
    for (let i = 0; i < 5; i++) {
      order.push(await focusedName(page));
      await page.keyboard.press('Tab');
    }
    expect(order).toEqual(['Analytics', 'Personalization', 'Save', 'Back', 'Analytics']);
    // Nor does a click change them; and a click on the dialog's text keeps Tab inside it.
    await necessary.click({ force: true });
    await marketing.click({ force: true });
    await expect(necessary).toBeChecked();
    await expect(marketing).not.toBeChecked();
    await page.keyboard.press('Shift+Tab');
    expect(await focusedName(page)).toBe('Back');
    await tabTo(page, button(page, 'Save'));
    await page.keyboard.press('Enter');
    expect(await choices(page)).toEqual([{ analytics: 'denied', personalization: 'denied' }]);
  });

  test('says that Global Privacy Control keeps marketing off, and Accept all leaves it out', async ({ page }) => {
    await openBanner(page, { gpc: true, purposes: GPC_PURPOSES });
    await expect(region(page).getByText(GPC_NOTICE)).toBeVisible();
    await tabTo(page, button(page, 'Choose'));
    await page.keyboard.press('Enter');
    await expect(dialog(page).getByText(GPC_NOTICE)).toBeVisible();
    await expect(toggle(page, 'Marketing')).toHaveAccessibleDescription(new RegExp(GPC_NOTICE));
    await page.keyboard.press('Escape');
    await tabTo(page, button(page, 'Accept all'), 'Shift+Tab');
    await page.keyboard.press('Enter');
    expect(await choices(page)).toEqual([{ analytics: 'granted', personalization: 'granted' }]);
  });

  test('shows no GPC notice without GPC', async ({ page }) => {
    await openBanner(page, { layer: 'choose' });
    await expect(page.getByText(GPC_NOTICE)).toHaveCount(0);
  });

  test('takes texts, language, labels and the privacy policy link from the options', async ({ page }) => {
    await openBanner(page, {
      lang: 'de',
      texts: {
        title: 'Ihre Wahl',
        body: 'Wir fragen zuerst.',
        acceptAll: 'Alle akzeptieren',
        rejectAll: 'Alle ablehnen',
        choose: 'Auswählen',
        save: 'Speichern',
        back: 'Zurück',
        privacyPolicyLabel: 'Datenschutz',
      },
      privacyPolicyUrl: '/privacy',
      purposes: [
        ...PURPOSES.slice(0, 2).map((p) => (p.id === 'analytics' ? { ...p, label: 'Statistik', description: 'Zählt Besuche.' } : p)),
        { id: 'ab_testing', state: 'granted', locked: false },
      ],
    });
    const banner = page.getByRole('region', { name: 'Ihre Wahl' });
    await expect(banner).toHaveAttribute('aria-describedby', /.+/);
    await expect(banner).toHaveAccessibleDescription('Wir fragen zuerst. Datenschutz');
    expect(
      await page.evaluate(() => document.querySelector('acquaint-consent')!.shadowRoot!.querySelector('[lang]')!.getAttribute('lang')),
    ).toBe('de');
    await expect(banner.getByRole('link', { name: 'Datenschutz' })).toHaveAttribute('href', `${collector.app.url}/privacy`);
    await expect(button(page, 'Alle akzeptieren')).toBeVisible();
    await expect(button(page, 'Alle ablehnen')).toBeVisible();
    await button(page, 'Auswählen').press('Enter');
    const choices = page.getByRole('dialog', { name: 'Ihre Wahl' });
    await expect(choices.getByRole('switch')).toHaveCount(3);
    await expect(toggle(page, 'Statistik')).toHaveAccessibleDescription('Zählt Besuche.');
    await expect(toggle(page, 'ab_testing')).toBeChecked();
    await expect(button(page, 'Speichern')).toBeVisible();
    await expect(button(page, 'Zurück')).toBeVisible();
  });

  test('uses English defaults with lang="en" and no link without a privacy policy URL', async ({ page }) => {
    await openBanner(page);
    expect(
      await page.evaluate(() => document.querySelector('acquaint-consent')!.shadowRoot!.querySelector('[lang]')!.getAttribute('lang')),
    ).toBe('en');
    await expect(region(page).getByRole('link')).toHaveCount(0);
    await expect(region(page)).toHaveAccessibleDescription(/^With your consent, we use cookies/);
  });

  test('shows config strings as text, never as markup, and links only to http(s)', async ({ page }) => {
    const markup = '<img src=x onerror="window.pwned=true">';
    await openBanner(page, { texts: { title: markup, body: `<b>${markup}</b>` }, privacyPolicyUrl: 'javascript:window.pwned=true' });
    await expect(page.getByRole('region', { name: markup })).toBeVisible();
    const inside = await page.evaluate(() => {
      const root = document.querySelector('acquaint-consent')!.shadowRoot!;
      return { images: root.querySelectorAll('img, b').length, links: root.querySelectorAll('a').length };
    });
    expect(inside).toEqual({ images: 0, links: 0 });
    expect(await page.evaluate(() => window.pwned)).toBeUndefined();
  });
});

test.describe('consent banner: layout and style', () => {
  test('gives Accept all and Reject all the same size and style', async ({ page }) => {
    await openBanner(page);
    const look = (name: string) =>
      button(page, name).evaluate((element): Record<string, string | number> => {
        const style = getComputedStyle(element);
        const box = element.getBoundingClientRect();
        const keys = [
          'backgroundColor',
          'color',
          'fontSize',
          'fontWeight',
          'fontFamily',
          'borderTopWidth',
          'borderTopColor',
          'borderTopLeftRadius',
          'paddingTop',
          'paddingLeft',
        ] as const;
        return {
          ...Object.fromEntries(keys.map((key) => [key, style[key]])),
          width: Math.round(box.width),
          height: Math.round(box.height),
          top: Math.round(box.top),
        };
      });
    const accept = await look('Accept all');
    expect(await look('Reject all')).toEqual(accept);
    expect(accept.fontSize).toBe('16px');
  });

  test('keeps the site CSS out', async ({ page }) => {
    await openBanner(page);
    const title = await page.getByRole('heading', { name: 'Your privacy choices' }).evaluate((element) => getComputedStyle(element).color);
    expect(title).toBe('rgb(27, 27, 31)');
    const acceptFont = await button(page, 'Accept all').evaluate((element) => getComputedStyle(element).fontSize);
    expect(acceptFont).toBe('16px');
  });

  test('follows the --acquaint-* custom properties set by the site', async ({ page }) => {
    await page.goto(collector.app.url + '/banner-page.html');
    await page.addStyleTag({ content: ':root { --acquaint-accent: rgb(0, 90, 50); --acquaint-radius: 0px; }' });
    await openBanner(page);
    const style = await button(page, 'Accept all').evaluate((element) => {
      const { backgroundColor, borderTopLeftRadius } = getComputedStyle(element);
      return { backgroundColor, borderTopLeftRadius };
    });
    expect(style).toEqual({ backgroundColor: 'rgb(0, 90, 50)', borderTopLeftRadius: '0px' });
  });

  test('fits 320 px: buttons stack, all visible, no horizontal scroll', async ({ page }, testInfo) => {
    await page.setViewportSize({ width: 320, height: 640 });
    await openBanner(page, { gpc: true, purposes: GPC_PURPOSES, privacyPolicyUrl: '/privacy' });
    const fits = async (names: string[]) => {
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
      const boxes = [];
      for (const name of names) {
        const box = (await button(page, name).boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(320);
        expect(box.y).toBeGreaterThanOrEqual(0);
        expect(box.y + box.height).toBeLessThanOrEqual(640);
        boxes.push(box);
      }
      for (let i = 1; i < boxes.length; i++) {
        expect(boxes[i]!.y).toBeGreaterThanOrEqual(boxes[i - 1]!.y + boxes[i - 1]!.height);
        expect(boxes[i]!.x).toBe(boxes[0]!.x);
      }
    };
    await fits(['Accept all', 'Reject all', 'Choose']);
    await screenshot(page, testInfo, 'banner-first-layer-320px');
    await button(page, 'Choose').press('Enter');
    await fits(['Save', 'Back']);
    for (const name of ['Necessary', 'Analytics', 'Marketing', 'Personalization']) {
      const box = (await toggle(page, name).boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(320);
    }
    await screenshot(page, testInfo, 'banner-choices-320px');
  });

  test('keeps its motion only when the visitor has not asked for less', async ({ page, browserName }) => {
    test.skip(
      browserName === 'firefox',
      "emulateMedia does not reach the page under Playwright's BiDi Firefox (Firefox 153 has no emulation.setMediaFeaturesOverride)",
    );
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    await openBanner(page);
    const motion = () =>
      region(page).evaluate((element) => {
        const style = getComputedStyle(element);
        const input = element.getRootNode() as ShadowRoot;
        return { animation: style.animationName, transition: getComputedStyle(input.querySelector('input')!).transitionDuration };
      });
    expect(await motion()).toEqual({ animation: 'up', transition: '0.15s' });
    await page.emulateMedia({ reducedMotion: 'reduce' });
    expect(await motion()).toEqual({ animation: 'none', transition: '0s' });
  });

  test('styles itself under a strict CSP through a constructable stylesheet', async ({ page }) => {
    await openBanner(page, { nonce: 't3st' }, '/banner-csp.html');
    const accept = await button(page, 'Accept all').evaluate((element) => getComputedStyle(element).backgroundColor);
    expect(accept).toBe('rgb(29, 78, 216)');
    const sheets = await page.evaluate(() => {
      const root = document.querySelector('acquaint-consent')!.shadowRoot!;
      return { adopted: root.adoptedStyleSheets.length, styles: root.querySelectorAll('style').length };
    });
    expect(sheets).toEqual({ adopted: 1, styles: 0 });
    expect(await page.evaluate(() => window.violations)).toEqual([]);
  });

  test('falls back to a <style> with the nonce where constructable stylesheets are missing', async ({ page }) => {
    await page.goto(collector.app.url + '/banner-csp.html');
    await page.evaluate(() => {
      delete (ShadowRoot.prototype as { adoptedStyleSheets?: unknown }).adoptedStyleSheets;
    });
    await openBanner(page, { nonce: 't3st' }, '/banner-csp.html');
    const accept = await button(page, 'Accept all').evaluate((element) => getComputedStyle(element).backgroundColor);
    expect(accept).toBe('rgb(29, 78, 216)');
    const nonces = await page.evaluate(() =>
      Array.from(document.querySelector('acquaint-consent')!.shadowRoot!.querySelectorAll('style'), (style) => style.nonce),
    );
    expect(nonces).toEqual(['t3st']);
    expect(await page.evaluate(() => window.violations)).toEqual([]);
  });
});

test.describe('consent banner: accessibility', () => {
  test('passes axe on both layers (screenshots kept)', async ({ page }, testInfo) => {
    await openBanner(page, { gpc: true, purposes: GPC_PURPOSES, privacyPolicyUrl: '/privacy' });
    await expectNoAxeViolations(page);
    await screenshot(page, testInfo, 'banner-first-layer');
    await button(page, 'Choose').press('Enter');
    await expect(dialog(page)).toBeVisible();
    await expect(dialog(page)).toHaveAttribute('aria-modal', 'true');
    await expectNoAxeViolations(page);
    await screenshot(page, testInfo, 'banner-choices');
  });

  test('the axe check sees inside the shadow root: a low-contrast theme fails it', async ({ page }) => {
    await page.goto(collector.app.url + '/banner-page.html');
    await page.addStyleTag({ content: ':root { --acquaint-accent: #9db4f0; }' });
    await openBanner(page);
    expect((await axeViolations(page)).join('\n')).toMatch(/^color-contrast: .*\(acquaint-consent >> \.bar > \.row > button/);
  });

  test('shows a visible focus outline on every control', async ({ page }) => {
    await openBanner(page, { privacyPolicyUrl: '/privacy' });
    const outline = (target: Locator) =>
      target.evaluate((element) => getComputedStyle(element).outlineStyle + ' ' + getComputedStyle(element).outlineWidth);
    expect(await outline(button(page, 'Accept all'))).toBe('solid 3px');
    await tabTo(page, page.getByRole('link', { name: 'Privacy policy' }), 'Shift+Tab');
    expect(await outline(page.getByRole('link', { name: 'Privacy policy' }))).toBe('solid 3px');
    await tabTo(page, button(page, 'Choose'));
    expect(await outline(button(page, 'Choose'))).toBe('solid 3px');
    await page.keyboard.press('Enter');
    expect(await outline(toggle(page, 'Analytics'))).toBe('solid 3px');
  });
});

test.describe('consent banner: loading', () => {
  test('adds nothing to window or the DOM until it is opened', async ({ page }) => {
    await page.goto(collector.app.url + '/blank.html');
    // Playwright's own helpers (`__pw_*`, added over BiDi as it drives the page) are not the banner's.
    const before = await page.evaluate(() => ({
      globals: Object.keys(window).filter((name) => !name.startsWith('__pw')),
      html: document.documentElement.outerHTML,
    }));
    const announced = page.evaluate(
      () =>
        new Promise<string>((resolve) =>
          document.addEventListener('acquaint:consent-ui', (event) => resolve(typeof (event as CustomEvent).detail), { once: true }),
        ),
    );
    await page.addScriptTag({ url: '/dist/consent-ui.js' });
    expect(await announced).toBe('function');
    const after = await page.evaluate(() => ({
      globals: Object.keys(window).filter((name) => !name.startsWith('__pw')),
      html: document.documentElement.outerHTML.replace(/<script src="\/dist\/consent-ui\.js"><\/script>/, ''),
    }));
    expect(after).toEqual(before);
  });
});

test.describe('consent banner: through the runtime', () => {
  test('opens on load from the config, records the choice, and reopens from consent.show()', async ({ page }) => {
    const { app } = collector;
    await page.goto(app.url + '/banner-runtime.html');
    await expect(region(page)).toBeVisible();
    expect(await page.evaluate(() => document.querySelectorAll('script[src$="consent-ui.js"]').length)).toBe(1);
    expect(await hasFocus(button(page, 'Accept all'))).toBe(true);
    await expect(region(page).getByRole('link', { name: 'Privacy policy' })).toHaveAttribute('href', `${app.url}/privacy`);
    await page.evaluate(() => window.acquaint!.flush());
    expect(app.events).toHaveLength(0);

    await tabTo(page, button(page, 'Choose'));
    await page.keyboard.press('Enter');
    await expect(toggle(page, 'Necessary')).toBeDisabled();
    await expect(toggle(page, 'Analytics')).toHaveAccessibleDescription('Counts visits to the shop.');
    await page.keyboard.press('Space');
    await tabTo(page, button(page, 'Save'));
    await page.keyboard.press('Enter');
    await expect(host(page)).toHaveCount(0);
    expect(await page.evaluate(() => window.acquaint!.consent.get())).toEqual({
      necessary: 'granted',
      analytics: 'granted',
      marketing: 'denied',
      personalization: 'denied',
    });
    const [pageView] = await waitForEvents(app, 1);
    expect(pageView!.type).toBe('page');
    expect(pageView!.context.consent.analytics).toBe('granted');

    // "Cookie settings" on the page: consent.show('choose'), the switches at the stored choice.
    await tabTo(page, page.locator('#settings'));
    await page.keyboard.press('Enter');
    await expect(dialog(page)).toBeVisible();
    await expect(toggle(page, 'Analytics')).toBeChecked();
    await expect(toggle(page, 'Marketing')).not.toBeChecked();
    await page.keyboard.press('Escape');
    await tabTo(page, button(page, 'Reject all'), 'Shift+Tab');
    await page.keyboard.press('Enter');
    await expect(host(page)).toHaveCount(0);
    expect(await hasFocus(page.locator('#settings'))).toBe(true);
    expect((await page.evaluate(() => window.acquaint!.consent.get())).analytics).toBe('denied');
  });

  test('does not open again once the visitor has chosen', async ({ page }) => {
    await page.goto(collector.app.url + '/banner-runtime.html');
    await button(page, 'Reject all').press('Enter');
    await expect(host(page)).toHaveCount(0);
    await openReady(page, collector.app, '/banner-runtime.html');
    expect(await page.evaluate(() => window.acquaint!.consent.get().analytics)).toBe('denied');
    // The runtime decides when the config is loaded: by ready() the banner's script would be added.
    expect(await page.evaluate(() => document.querySelector('script[src$="consent-ui.js"]'))).toBeNull();
    await expect(host(page)).toHaveCount(0);
  });
});
