import * as z from 'zod/mini';
import { crossorigin, eventNames, integrity, vendorSrc } from './vendor-settings';

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
});

export type MetaPixelSettings = z.infer<typeof metaPixelSettingsSchema>;
