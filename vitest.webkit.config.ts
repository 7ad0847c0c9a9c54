import { defineConfig } from 'vitest/config';

// The WebKit tests (test/webkit): Debian's WebKitGTK driven over WebDriver against dist/, under
// xvfb-run (`npm run test:webkit`). One browser at a time on a small machine: files run one
// after another, each with its own collector and MiniBrowser.
export default defineConfig({
  test: {
    include: ['test/webkit/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 90_000,
    teardownTimeout: 20_000,
  },
});
