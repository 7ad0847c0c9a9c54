import * as z from 'zod/mini';
import { crossorigin, endpoint, envName, eventNames, integrity, vendorSrc } from './vendor-settings';

/** The `ga4` destination: Google Analytics 4 through gtag.js, fed only by acquaint, or through the relay (Measurement Protocol). */
export const ga4SettingsSchema = z.strictObject({
  measurementId: z.string().check(z.regex(/^G-[A-Z0-9]{4,20}$/, 'must be a GA4 measurement id like "G-ABC123XYZ"')),
  /** Where gtag.js comes from (a first-party proxy, say); default Google's. */
  src: z.optional(vendorSrc),
  integrity: z.optional(integrity),
  crossorigin: z.optional(crossorigin),
  /** acquaint event name → GA4 event name (`"Order Completed": "purchase"`). */
  eventNames: z.optional(eventNames),
  /** More `gtag('config')` parameters, such as `debug_mode` or `cookie_domain`. */
  config: z.optional(
    z.record(
      z.string().check(z.regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be a gtag parameter name')),
      z.union([z.string(), z.number(), z.boolean()]),
    ),
  ),
  /** Send the known user's id as `user_id` (default true). */
  sendUserId: z.optional(z.boolean()),
  /** `mode: "server"`: the relay's environment variable holding the Measurement Protocol API secret. */
  apiSecretEnv: z.optional(envName),
  /** `mode: "server"`: the Measurement Protocol's base URL (default https://www.google-analytics.com). */
  endpoint: z.optional(endpoint),
});

export type Ga4Settings = z.infer<typeof ga4SettingsSchema>;
