import { ga4SettingsSchema } from '../destinations/ga4-settings';
import { httpSettingsSchema } from '../destinations/http-settings';
import { metaPixelSettingsSchema } from '../destinations/meta-pixel-settings';
import { scriptSettingsSchema } from '../destinations/script-settings';
import { configSchema, destinationSchema } from './schema';
import { triggerSchemas, variableSchemas } from './tags-schema';

/**
 * The zod schemas the config is checked against. scripts/config-schemas.mjs turns them into
 * JSON Schema at build time, so the page script validates without bundling zod.
 */
export const schemas = {
  config: configSchema,
  destination: destinationSchema,
  /** Built-in destination type → its settings schema; the same names as destinations/registry.ts. */
  /** Trigger and variable type → its schema: each entry of `triggers` and `variables` is checked alone. */
  triggers: triggerSchemas,
  variables: variableSchemas,
  settings: { http: httpSettingsSchema, script: scriptSettingsSchema, ga4: ga4SettingsSchema, 'meta-pixel': metaPixelSettingsSchema },
};
