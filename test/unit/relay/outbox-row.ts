import type { ClientInfo, OutboxRow } from '../../../src/relay/vendors/types';
import { testEvent } from '../event';

type EventOverrides = Parameters<typeof testEvent>[0];

/** A claimed outbox row around `testEvent(overrides)`, its messageId and id taken from the event. */
export function outboxRow(
  overrides: EventOverrides = {},
  client: ClientInfo = { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (test)' },
): OutboxRow {
  const event = testEvent(overrides);
  return { id: `row-${event.messageId}`, destination: 'd', messageId: event.messageId, event, client, attempts: 0 };
}

/** `count` rows of one visitor, messageIds m-0 … m-<count - 1>. */
export const outboxRows = (count: number, overrides: EventOverrides = {}): OutboxRow[] =>
  Array.from({ length: count }, (_, i) => outboxRow({ messageId: `m-${i}`, ...overrides }));

/** The parsed JSON body of a request. */
export const bodyOf = (request: { body: string } | undefined): Record<string, unknown> =>
  JSON.parse(request!.body) as Record<string, unknown>;
