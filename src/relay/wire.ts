import * as z from 'zod/mini';
import type { AcquaintEvent } from '../events/event';
import { formatPath } from '../config/report';

// Contract §6 as the relay reads it from outside: every field it forwards or decides by is
// checked; what it does not use (library, campaign…) passes as it came, within the size limit.
const text = (max: number) => z.string().check(z.maxLength(max));
const consentState = z.enum(['granted', 'denied', 'pending']);
// A destination's `fields` may let only some of them leave the page (Meta: the URL alone).
const page = z.looseObject({
  url: z.optional(text(8192)),
  path: z.optional(text(4096)),
  referrer: z.optional(text(8192)),
  title: z.optional(text(2048)),
});

export const wireEventSchema = z.looseObject({
  type: z.enum(['track', 'page', 'identify']),
  event: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  name: z.optional(z.nullable(text(200))),
  properties: z.optional(z.record(z.string(), z.unknown())),
  traits: z.optional(z.record(z.string(), z.unknown())),
  anonymousId: z.string().check(z.minLength(1), z.maxLength(200)),
  userId: z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(256)))),
  messageId: z.string().check(z.minLength(1), z.maxLength(100)),
  timestamp: z.iso.datetime({ offset: true }),
  context: z.looseObject({
    page: z.optional(page),
    sessionId: z.optional(text(200)),
    consent: z.record(z.string(), consentState),
    clickIds: z.optional(z.record(z.string(), text(500))),
  }),
});

/** Segment's per-event limit (contract §9). */
export const MAX_EVENT_BYTES = 32 * 1024;
/** Segment's per-batch limit. */
export const MAX_BATCH_BYTES = 512_000;

export type Checked = { event: AcquaintEvent } | { reason: string; messageId?: string };

const NO_PAGE = { url: '', path: '', referrer: '', title: '' };

/**
 * One event of a batch, checked: the §6 event with its defaults filled, or why it is refused.
 * `bodyBytes`: the batch's size; within the per-event limit, no event of it can be over it.
 */
export function checkEvent(input: unknown, bodyBytes = Infinity): Checked {
  const messageId =
    typeof input === 'object' && input !== null && typeof (input as { messageId?: unknown }).messageId === 'string'
      ? (input as { messageId: string }).messageId.slice(0, 100)
      : undefined;
  const refuse = (reason: string): Checked => ({ reason, ...(messageId ? { messageId } : {}) });
  if (bodyBytes > MAX_EVENT_BYTES && JSON.stringify(input ?? null).length > MAX_EVENT_BYTES)
    return refuse(`too_large: over ${MAX_EVENT_BYTES} bytes`);
  const result = z.safeParse(wireEventSchema, input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    return refuse(`invalid: ${formatPath(issue.path)}: ${issue.message}`);
  }
  const event = result.data;
  if (event.type === 'track' && !event.event) return refuse('invalid: event: a track event needs its name');
  return {
    event: {
      ...event,
      properties: event.properties ?? {},
      userId: event.userId ?? null,
      context: { ...event.context, page: { ...NO_PAGE, ...event.context.page }, sessionId: event.context.sessionId ?? '' },
    } as AcquaintEvent,
  };
}

/** A body's batch, or why the body is not the §6 format (a 400). */
export function parseBatch(body: string): { batch: unknown[] } | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { error: 'the body is not JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray((parsed as { batch?: unknown }).batch))
    return { error: 'expected {"batch": [event, …], "sentAt": ISO} (contract §6)' };
  const { batch } = parsed as { batch: unknown[] };
  if (!batch.length) return { error: 'batch is empty' };
  return { batch };
}
