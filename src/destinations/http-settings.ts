import * as z from 'zod/mini';
import { envName } from './vendor-settings';

// Kept apart from http.ts so the page script never bundles zod: the runtime checks settings
// against the JSON Schema generated from this at build time (scripts/config-schemas.mjs).
export const httpSettingsSchema = z.strictObject({
  /** Absolute http(s) URL, or a path on this site (first-party collector). */
  url: z.string().check(z.regex(/^(https?:\/\/[^\s/]+|\/)[^\s]*$/, 'must be an http(s) URL or a path like /v1/batch')),
  /** A request not answered by then is aborted and retried. */
  timeoutMs: z.optional(z.int().check(z.minimum(100), z.maximum(120_000))),
  /** `mode: "server"`: request headers the relay adds, each from one of its environment variables (`{"Authorization": "WAREHOUSE_AUTH"}`). */
  headersEnv: z.optional(z.record(z.string().check(z.regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a header name')), envName)),
});

export type HttpSettings = z.infer<typeof httpSettingsSchema>;
