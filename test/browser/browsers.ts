/// <reference types="node" />
// The system browsers and the flags every browser test launches them with (no browser download,
// no background traffic on this closed network). playwright.config.ts and specs that need one
// more flag share them from here; Chromium's are shared with the bench (test/chromium.mjs).
export { chromiumLaunch } from '../chromium.mjs';

// Debian's firefox-esr, driven over WebDriver BiDi (Playwright's `moz-firefox` channel): Playwright's
// own patched Firefox is a download, which this network does not allow.
export const FIREFOX_PATH = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';

// Firefox phones home on start (updates, telemetry, captive portal, safe browsing); none of it
// may reach the network or show up among a test's requests.
const FIREFOX_PREFS: Record<string, string | number | boolean> = {
  'app.update.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'browser.shell.checkDefaultBrowser': false,
};

/** Launch options for the system firefox-esr, with `extra` prefs over the shared ones. */
export const firefoxLaunch = (extra: Record<string, string | number | boolean> = {}) => ({
  executablePath: FIREFOX_PATH,
  firefoxUserPrefs: { ...FIREFOX_PREFS, ...extra },
});
