import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { configSchemas } from './scripts/config-schemas.mjs';

export default defineConfig({
  plugins: [configSchemas()],
  define: { __VERSION__: JSON.stringify('0.0.0-test') },
  // docs/examples import the package by name, as a site would.
  resolve: { alias: { acquaint: fileURLToPath(new URL('./src/index.ts', import.meta.url)) } },
  test: { include: ['test/unit/**/*.test.ts'], environment: 'node' },
});
