import { defineConfig } from 'vitest/config';
import { configSchemas } from './scripts/config-schemas.mjs';

export default defineConfig({
  plugins: [configSchemas()],
  define: { __VERSION__: JSON.stringify('0.0.0-test') },
  test: { include: ['test/unit/**/*.test.ts'], environment: 'node' },
});
