/// <reference types="node" />
// The system Chromium and the flags every browser test launches it with (no browser download,
// no background traffic on this closed network). playwright.config.ts and specs that need one
// more flag share them from here.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launch options for the system Chromium, with `extra` flags after the shared ones. */
export const chromiumLaunch = (...extra: string[]) => ({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...extra] });
