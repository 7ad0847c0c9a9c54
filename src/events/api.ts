import { isPlainObject } from '../lib/is';
import type { EventBuilder } from './build';
import type { AcquaintEvent } from './event';

/** `track` and `page` of `window.acquaint`: checked input, then the data layer (`track`) or the builder (`page`). */
export function eventApi(
  dataLayer: unknown[],
  builder: EventBuilder,
  accept: (event: AcquaintEvent) => void,
  fail: (code: string, message: string) => void,
) {
  return {
    track(event: string, properties?: Record<string, unknown>): void {
      if (typeof event !== 'string' || !event) return fail('invalid_track', 'track(event, properties): event must be a non-empty string');
      if (properties !== undefined && !isPlainObject(properties))
        return fail('invalid_track', 'track(event, properties): properties must be a plain object');
      dataLayer.push({ ...properties, event });
    },
    page(properties?: Record<string, unknown>): void {
      if (properties !== undefined && !isPlainObject(properties))
        return fail('invalid_page', 'page(properties): properties must be a plain object');
      accept(builder.page(properties ?? {}));
    },
  };
}
