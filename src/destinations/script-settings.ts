import * as z from 'zod/mini';
import { crossorigin, integrity, vendorSrc } from './vendor-settings';

const globalName = z.string().check(z.regex(/^[A-Za-z_$][\w$]{0,63}$/, 'must be a global name like "fbq" or "_paq"'));
/** One call's arguments; a string `"{{path}}"` is replaced by that value of the event. */
const call = z.array(z.unknown());

/** The `script` destination: loads a vendor tag after consent and calls its global function. */
export const scriptSettingsSchema = z.strictObject({
  src: vendorSrc,
  integrity: z.optional(integrity),
  crossorigin: z.optional(crossorigin),
  /** The vendor's global: a function is called with each call's arguments, an array gets them pushed. */
  global: globalName,
  /** `"array"` defines the global as `[]` before the script loads, as queue-style snippets (`_paq`) do. */
  define: z.optional(z.literal('array')),
  /** Calls made once, right after the script loaded. */
  init: z.optional(z.array(call)),
  /** Event name (`page`, `identify`, a track name, `*` wildcards) → its calls; the first matching key wins. */
  calls: z.record(z.string().check(z.minLength(1)), z.array(call)),
});

export type ScriptSettings = z.infer<typeof scriptSettingsSchema>;
