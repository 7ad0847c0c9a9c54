import { By, type WebElement } from 'selenium-webdriver';
import { describe, expect, test } from 'vitest';
import { arrived, bannerStill, clickWhenReady, databases, flush, names, open, ready, run, track, until, useWebKit } from './harness';

// The consent banner in WebKit, loaded by the runtime (banner-runtime.html: analytics,
// marketing and personalization pending, the banner on). Its buttons are clicked with real
// WebDriver clicks, through its shadow root.
const site = useWebKit();

const openPage = () => open(site.driver, `${site.app.url}/banner-runtime.html`);

/** The banner's shadow root, once its first layer is displayed. */
async function banner() {
  const host = await until(async () => (await site.driver.findElements(By.css('acquaint-consent')))[0], 'the <acquaint-consent> element');
  return host.getShadowRoot();
}

/** The displayed button (or label) of the banner whose text is `text`. */
async function control(text: string, css = 'button'): Promise<WebElement> {
  const root = await banner();
  return until(async () => {
    for (const element of await root.findElements(By.css(css))) {
      if ((await element.getText()).trim() === text && (await element.isDisplayed())) return element;
    }
    return undefined;
  }, `"${text}" in the banner`);
}

/**
 * Clicks `text` once the banner has stopped moving (it slides in): a click aimed at a moving
 * button may land beside it.
 */
async function click(text: string, css = 'button'): Promise<void> {
  const element = await control(text, css);
  await bannerStill(site.driver);
  await clickWhenReady(element, `"${text}"`);
}

const bannerGone = () =>
  until(async () => (await site.driver.findElements(By.css('acquaint-consent'))).length === 0, 'the banner to close');

const storedChoice = () =>
  run(site.driver, () => {
    const text = localStorage.getItem('acquaint.consent');
    return text === null ? null : (JSON.parse(text) as { choices?: Record<string, string> });
  });

const consent = () => run(site.driver, () => window.acquaint!.consent.get());

const bannerFetched = () =>
  run(site.driver, () => performance.getEntriesByType('resource').some((entry) => new URL(entry.name).pathname === '/consent-ui.js'));

describe('the consent banner', () => {
  test('shows on load with focus on Accept all; nothing leaves and nothing is stored meanwhile', async () => {
    const { driver, app } = site;
    await openPage();
    await control('Accept all');
    expect(await run(driver, () => document.activeElement?.shadowRoot?.activeElement?.textContent)).toBe('Accept all');
    await track(driver, ['while_open']);
    await flush(driver);
    expect(app.requests).toBe(0);
    expect(await storedChoice()).toBeNull();
    expect(await databases(driver)).toEqual([]);
  });

  test('Accept all grants every purpose, sends the held events in order, and is not shown again after a reload', async () => {
    const { driver, app } = site;
    await openPage();
    await track(driver, ['before_choice']);
    await click('Accept all');
    await bannerGone();
    expect(await consent()).toMatchObject({ analytics: 'granted', marketing: 'granted', personalization: 'granted' });
    await flush(driver);
    const events = await arrived(app, ['page', 'before_choice']);
    expect(names(events)).toEqual(['page', 'before_choice']);
    for (const event of events) expect(event.context.consent).toMatchObject({ analytics: 'granted' });
    expect((await storedChoice())?.choices).toMatchObject({ analytics: 'granted', marketing: 'granted', personalization: 'granted' });

    await driver.navigate().refresh();
    await ready(driver);
    await flush(driver);
    await until(() => names(app.events).filter((name) => name === 'page').length === 2, 'the page view of the reloaded page');
    expect(await driver.findElements(By.css('acquaint-consent'))).toEqual([]);
    expect(await bannerFetched()).toBe(false);
  });

  test('Reject all denies every purpose: the held events are discarded and nothing is sent later', async () => {
    const { driver, app } = site;
    await openPage();
    await track(driver, ['before_choice']);
    await click('Reject all');
    await bannerGone();
    expect(await consent()).toMatchObject({ analytics: 'denied', marketing: 'denied', personalization: 'denied' });
    await track(driver, ['after_choice']);
    await flush(driver);
    expect(app.requests).toBe(0);
    expect((await storedChoice())?.choices).toMatchObject({ analytics: 'denied', marketing: 'denied', personalization: 'denied' });
    expect(await databases(driver)).toEqual([]);
  });

  test('Choose, analytics on, Save: analytics is granted and the rest denied', async () => {
    const { driver, app } = site;
    await openPage();
    await click('Choose');
    const label = await control('Analytics', 'label');
    const root = await banner();
    const input = await root.findElement(By.css(`#${await label.getAttribute('for')}`));
    expect(await input.isSelected()).toBe(false);
    await input.click();
    expect(await input.isSelected()).toBe(true);
    await click('Save');
    await bannerGone();
    expect(await consent()).toMatchObject({ analytics: 'granted', marketing: 'denied', personalization: 'denied' });
    await flush(driver);
    expect(names(await arrived(app, ['page']))).toEqual(['page']);
  });
});
