import * as z from 'zod/mini';
import { formatPath } from '../config/report';

// A consent receipt as the page sends it (contract §10): proof of one decision, and nothing about
// the visitor. The object is strict, so an id, a trait or a URL cannot ride along and be kept.
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const receiptId = z.string().check(z.regex(UUID_V4, 'must be a random UUID (v4)'));

/** Where a decision came from. */
export const RECEIPT_SOURCES = ['banner', 'api', 'tcf', 'gpp', 'consent-mode', 'gpc', 'default'] as const;

export const receiptSchema = z.strictObject({
  receiptId,
  /** The receipt this decision follows on this device; null for the first. */
  previousId: z.nullable(receiptId),
  /** When the visitor decided (the page's clock). */
  at: z.iso.datetime({ offset: true }),
  /** The state of every purpose after the decision. */
  purposes: z.record(
    z.string().check(z.regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be a purpose name')),
    z.enum(['granted', 'denied', 'pending']),
  ),
  /** The config's `consent.version` when it has one. */
  version: z.optional(z.union([z.string().check(z.maxLength(64)), z.int()])),
  source: z.enum(RECEIPT_SOURCES),
  gpc: z.boolean(),
  /** The TCF TC string or the GPP string when one of them decided. */
  tcString: z.optional(z.string().check(z.maxLength(8192))),
  gppString: z.optional(z.string().check(z.maxLength(8192))),
  /** SHA-256 (hex) of the banner texts the visitor was shown. */
  textsHash: z.optional(z.string().check(z.regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in hex'))),
});

export type Receipt = z.infer<typeof receiptSchema>;

/** A receipt is small; a body past this is not one. */
export const MAX_RECEIPT_BYTES = 32 * 1024;

export const isReceiptId = (value: string): boolean => UUID_V4.test(value);

/** A body's receipt, or why it is not one (a 400 naming the field). */
export function parseReceipt(body: string): { receipt: Receipt } | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { error: 'the body is not JSON' };
  }
  const result = z.safeParse(receiptSchema, parsed);
  if (result.success) return { receipt: result.data };
  return { error: `invalid receipt: ${describe(result.error.issues[0]!)}` };
}

// zod/mini carries no messages of its own ("Invalid input"): say what was wrong, and where.
function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `${issue.keys.map((key) => formatPath([...issue.path, key])).join(', ')}: not part of a receipt (a receipt holds nothing about the visitor)`;
  const at = formatPath(issue.path);
  if (issue.code === 'invalid_value') return `${at}: must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`;
  if (issue.code === 'invalid_type') return `${at}: expected ${issue.expected}${issue.input === undefined ? ' (missing)' : ''}`;
  if (issue.code === 'invalid_union') return `${at}: expected a string of at most 64 characters or an integer`;
  return `${at}: ${issue.message}`;
}
