import { createHash } from 'node:crypto';
import type { ValidDestination } from '../config/load';
import type { AcquaintEvent } from '../events/event';
import { hashedBy } from '../config/destination-types';
import { NO_CAPS } from '../rules/caps';
import { createRules } from '../rules/rules';
import { checkEvent } from './wire';

/** One refused event of a batch, as the answer lists it (contract §9). */
export interface Refusal {
  index: number;
  messageId?: string;
  reason: string;
}

const sha256 = (text: string): Promise<string> => Promise.resolve(createHash('sha256').update(text).digest('hex'));

/**
 * A server-mode destination's checks, run again on every event the page sent (contract §9):
 * the event's shape and size, its consent for every purpose the destination lists, and the
 * destination's rules (block, events, fields, hash, redact) with the page's own rule code.
 * Caps are counted on the device only.
 */
export function createIntake(destination: ValidDestination, hashTraits: readonly string[] = []) {
  const hash = [...(destination.hash ?? []), ...hashedBy(destination.type), ...hashTraits.map((key) => `traits.${key}`)];
  const rules = createRules(destination.id, { ...destination, hash }, NO_CAPS, sha256);
  const granted = (event: AcquaintEvent): boolean =>
    destination.purposes.every((purpose) => purpose === 'necessary' || event.context.consent[purpose] === 'granted');

  return async function admit(batch: readonly unknown[], bodyBytes?: number): Promise<{ accepted: AcquaintEvent[]; refused: Refusal[] }> {
    const accepted: AcquaintEvent[] = [];
    const refused: Refusal[] = [];
    const seen = new Set<string>();
    for (const [index, input] of batch.entries()) {
      const checked = checkEvent(input, bodyBytes);
      if ('reason' in checked) {
        refused.push({ index, ...checked });
        continue;
      }
      const { event } = checked;
      const refuse = (reason: string) => refused.push({ index, messageId: event.messageId, reason });
      if (seen.has(event.messageId)) continue; // the same event twice in one batch: once is enough
      seen.add(event.messageId);
      if (!granted(event)) {
        refuse('no_consent: a purpose of this destination is not granted in context.consent');
        continue;
      }
      const result = await rules.apply(event);
      if ('skip' in result) refuse(`${result.skip}: by this destination's rules`);
      else accepted.push(result.event);
    }
    return { accepted, refused };
  };
}

/** The short reason of a refusal, for metrics: the word before the colon. */
export const reasonCode = (reason: string): string => reason.split(':', 1)[0]!;
