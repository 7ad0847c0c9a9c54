import { routeCommand } from '../datalayer/commands';
import type { DataLayerHandlers } from '../datalayer/datalayer';
import type { Model } from '../datalayer/model';
import type { EventBuilder } from '../events/build';
import type { AcquaintEvent } from '../events/event';
import type { Trace } from '../events/trace';

export interface IntakeDeps {
  builder: EventBuilder;
  accept(event: AcquaintEvent): void;
  model: Pick<Model, 'merge'>;
  /** Which trigger pushed a message, if one did (debug mode names it). */
  triggers: { originOf(message: object): string | undefined };
  /** The page's Consent Mode calls, and whether a call is one acquaint pushed itself (its mirror). */
  consent: { fromPage(mode: 'default' | 'update', params: Record<string, unknown>): void; isOwn(command: object): boolean };
  trace(): Trace | undefined;
  debug(message: string): void;
  fail(code: string, message: string): void;
}

/** What becomes of each push to the data layer: an event, a gtag command, or a reported failure. */
export function dataLayerIntake({ builder, accept, model, triggers, consent, trace, debug, fail }: IntakeDeps): DataLayerHandlers {
  const track = (name: string, params: Record<string, unknown>): void => accept(builder.track(name, params));
  return {
    event(message) {
      const origin = triggers.originOf(message);
      if (origin) trace()?.from(origin);
      track(message.event as string, message);
    },
    command(args, raw) {
      if (!consent.isOwn(raw)) routeCommand(args, { consent: consent.fromPage, set: model.merge, event: track, debug });
    },
    error: (error) => fail('push_failed', `a dataLayer push threw: ${String(error)}`),
    debug,
  };
}
