import { ga4SettingsSchema } from '../destinations/ga4-settings';
import { httpSettingsSchema } from '../destinations/http-settings';
import { metaPixelSettingsSchema } from '../destinations/meta-pixel-settings';
import { scriptSettingsSchema } from '../destinations/script-settings';
import { configSchema, destinationSchema } from '../config/schema';
import { triggerSchemas, variableSchemas } from '../config/tags-schema';
import type { BuiltInTypeName } from '../config/destination-types';

/**
 * The zod schemas the config is checked against. scripts/config-schemas.mjs turns them into
 * JSON Schema at build time, so the page script validates without bundling zod.
 */
export const schemas = {
  config: configSchema,
  destination: destinationSchema,
  /** Trigger and variable type → its schema: each entry of `triggers` and `variables` is checked alone. */
  triggers: triggerSchemas,
  variables: variableSchemas,
  /** Built-in destination type → its settings schema: exactly the types of config/destination-types.ts. */
  settings: {
    http: httpSettingsSchema,
    script: scriptSettingsSchema,
    ga4: ga4SettingsSchema,
    'meta-pixel': metaPixelSettingsSchema,
  } satisfies Record<BuiltInTypeName, unknown>,
};
