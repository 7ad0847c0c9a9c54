// The system Chromium and the flags every test and bench launches it with (no browser download,
// no background traffic on this closed network). CHROMIUM_PATH overrides where it is.

/** Launch options for the system Chromium, with `extra` flags after the shared ones. */
export function chromiumLaunch(...extra) {
  return {
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extra,
    ],
  };
}
