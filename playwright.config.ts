/// <reference types="node" />
import { defineConfig } from '@playwright/test';
import { chromiumLaunch, firefoxLaunch } from './test/browser/browsers';

// Browser tests for dist/acquaint.js (build it first: `npx rollup -c --silent`). Each spec file
// starts its own loopback collector (test/browser/helpers.ts), so there is no webServer here.
// The `*-container` projects run the same suite against the container build of each page's own
// config (`acquaint build`, test/browser/container.ts) instead of the generic runtime.
export default defineConfig({
  testDir: 'test/browser',
  testMatch: '*.spec.ts',
  outputDir: 'test-results',
  timeout: 30_000,
  expect: { timeout: 5_000 },
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: process.env.CI ? 1 : 2,
  reporter: 'list',
  use: {
    headless: true,
    // Recording a trace for every test cost a sixth of the suite's time; PW_TRACE=1 keeps failures' traces.
    trace: process.env.PW_TRACE === '1' ? 'retain-on-failure' : 'off',
  },
  projects: (['generic', 'container'] as const).flatMap((build) => {
    const suffix = build === 'container' ? '-container' : '';
    return [
      { name: `chromium${suffix}`, metadata: { build }, use: { browserName: 'chromium' as const, launchOptions: chromiumLaunch() } },
      {
        // Debian's firefox-esr over WebDriver BiDi; `npm run test:firefox` runs this project alone.
        name: `firefox${suffix}`,
        metadata: { build },
        // Firefox keeps recording traces: without them triggers-visible's minMs test failed after
        // the spec's earlier tests in one worker (view_promotion:promo-b never came); not yet understood.
        use: {
          browserName: 'firefox' as const,
          channel: 'moz-firefox',
          launchOptions: firefoxLaunch(),
          trace: 'retain-on-failure' as const,
        },
      },
    ];
  }),
});
