import * as z from 'zod/mini';

/** The purposes every config has; a config may declare more through `consent.defaults`. */
export const BUILT_IN_PURPOSES = ['necessary', 'analytics', 'marketing', 'personalization'] as const;

export const consentStateSchema = z.enum(['granted', 'denied', 'pending']);

const purposeName = z.string().check(
  z.regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be lowercase letters, digits or _ (at most 40)'),
);

export const consentConfigSchema = z.strictObject({
  defaults: z.optional(z.record(purposeName, consentStateSchema)),
  honorGpc: z.optional(z.boolean()),
});

export const identityConfigSchema = z.strictObject({
  sessionTimeoutMinutes: z.optional(z.int().check(z.minimum(1), z.maximum(1440))),
  idTtlDays: z.optional(z.int().check(z.minimum(1), z.maximum(3650))),
});

/**
 * The envelope every destination shares; `settings` is checked by the adapter's own
 * schema (see destinations/registry.ts), so one bad destination can be disabled alone.
 */
export const destinationSchema = z.strictObject({
  id: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -')),
  type: z.string().check(z.minLength(1)),
  purposes: z.array(purposeName).check(z.minLength(1, 'list at least one purpose ("necessary" for always-on)')),
  settings: z.optional(z.unknown()),
});

export const configSchema = z.strictObject({
  version: z.literal(1),
  debug: z.optional(z.boolean()),
  autoPage: z.optional(z.boolean()),
  consent: z.optional(consentConfigSchema),
  identity: z.optional(identityConfigSchema),
  destinations: z.optional(z.array(destinationSchema)),
});

export type Config = z.infer<typeof configSchema>;
export type ConsentConfig = z.infer<typeof consentConfigSchema>;
export type DestinationConfig = z.infer<typeof destinationSchema>;
export type ConsentState = z.infer<typeof consentStateSchema>;
