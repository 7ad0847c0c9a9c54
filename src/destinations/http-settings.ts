import * as z from 'zod/mini';

// Kept apart from http.ts so the page script never bundles zod: the runtime checks settings
// against the JSON Schema generated from this at build time (scripts/config-schemas.mjs).
export const httpSettingsSchema = z.strictObject({
  /** Absolute http(s) URL, or a path on this site (first-party collector). */
  url: z.string().check(z.regex(/^(https?:\/\/[^\s/]+|\/)[^\s]*$/, 'must be an http(s) URL or a path like /v1/batch')),
  /** A request not answered by then is aborted and retried. */
  timeoutMs: z.optional(z.int().check(z.minimum(100), z.maximum(120_000))),
});

export type HttpSettings = z.infer<typeof httpSettingsSchema>;
