import * as z from 'zod/mini';
import { crossorigin, endpoint, envName, eventNames, integrity, vendorSrc } from './vendor-settings';

/** The `meta-pixel` destination: Meta Pixel through fbevents.js, fed only by acquaint. */
export const metaPixelSettingsSchema = z.strictObject({
  pixelId: z.string().check(z.regex(/^\d{5,20}$/, 'must be the numeric pixel id')),
  /** Where fbevents.js comes from; default Meta's. */
  src: z.optional(vendorSrc),
  integrity: z.optional(integrity),
  crossorigin: z.optional(crossorigin),
  /** acquaint event name → Meta event name; unmapped names go as custom events. */
  eventNames: z.optional(eventNames),
  /** Let the pixel collect clicks and page metadata on its own (default false). */
  autoConfig: z.optional(z.boolean()),
  /** Advanced matching with `external_id` (the userId) and `em` (traits.email), only ever SHA-256 hashed (default true). */
  advancedMatching: z.optional(z.boolean()),
  /** `mode: "server"` or `"both"`: the relay's environment variable holding the Conversions API access token. */
  accessTokenEnv: z.optional(envName),
  /** The Graph API's base URL (default https://graph.facebook.com). */
  endpoint: z.optional(endpoint),
  /** Events Manager's test code: the relay's events show under "Test events" only. */
  testEventCode: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be the code Events Manager shows, like "TEST12345"'))),
});

export type MetaPixelSettings = z.infer<typeof metaPixelSettingsSchema>;
