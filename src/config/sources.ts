import { httpSettingsSchema } from '../destinations/http-settings';
import { configSchema, destinationSchema } from './schema';

/**
 * The zod schemas the config is checked against. scripts/config-schemas.mjs turns them into
 * JSON Schema at build time, so the page script validates without bundling zod.
 */
export const schemas = {
  config: configSchema,
  destination: destinationSchema,
  /** Destination type → its settings schema; the same names as destinations/registry.ts. */
  settings: { http: httpSettingsSchema },
};
