/// <reference types="node" />
import { defineConfig } from '@playwright/test';
import { chromiumLaunch, firefoxLaunch } from './test/browser/browsers';

// Browser tests for dist/acquaint.js (build it first: `npx rollup -c --silent`). Each spec file
// starts its own loopback collector (test/browser/helpers.ts), so there is no webServer here.
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
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        launchOptions: chromiumLaunch(),
      },
    },
    {
      // Debian's firefox-esr over WebDriver BiDi; `npm run test:firefox` runs this project alone.
      name: 'firefox',
      use: {
        browserName: 'firefox',
        channel: 'moz-firefox',
        launchOptions: firefoxLaunch(),
      },
    },
  ],
});
