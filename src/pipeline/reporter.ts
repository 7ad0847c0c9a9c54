import type { ConsentChoices } from '../config/schema';
import { formatIssues, type ConfigIssue } from '../config/report';
import type { RuleResult } from '../rules/rules';
import { createEmitter } from '../lib/emitter';
import type { Log } from '../lib/log';
import type { AcquaintEvent } from '../events/event';
import { REPORT_TYPES, type AcquaintEvents, type DropReason } from '../events/reports';
import type { Trace, TraceStatus } from '../events/trace';

type Failure = { reason: string; status?: number; retry: boolean; retryInMs?: number };

// Skipped by a rule: the rule's own trace step says so; on('dropped') still reports it.
const RULED: readonly DropReason[] = ['blocked', 'capped'];

/**
 * Turns what the boxes report into `on(…)` events, debug lines and, in debug mode, trace
 * steps: one place that knows how an outcome is told to the page.
 */
export function createReporter(log: Log, trace: () => Trace | undefined) {
  const emitter = createEmitter<AcquaintEvents>((error, type) =>
    log.error(`acquaint: an on('${String(type)}') listener threw: ${String(error)}`),
  );
  const steps = (messageIds: readonly string[], destination: string, status: TraceStatus, detail?: string): void => {
    const t = trace();
    if (t) for (const id of messageIds) t.step(id, { destination, status, ...(detail ? { detail } : {}) });
  };
  const fail = (code: string, message: string, extra?: Partial<AcquaintEvents['error']>): void => {
    log.debug(`${code}: ${message}`);
    emitter.emit('error', { code, message, ...extra });
  };
  const dropped = (messageIds: string[], reason: DropReason, destination?: string): void => {
    log.debug(`dropped ${messageIds.length} event(s)${destination ? ` for ${destination}` : ''}: ${reason}`);
    if (destination && !RULED.includes(reason)) steps(messageIds, destination, 'dropped', reason);
    emitter.emit('dropped', { messageIds, reason, ...(destination ? { destination } : {}) });
  };

  return {
    fail,
    dropped,
    /** Events dropped before any destination saw them. */
    droppedEvents: (events: AcquaintEvent[], reason: DropReason): void =>
      dropped(
        events.map((e) => e.messageId),
        reason,
      ),
    /** No config (unreachable, not JSON): the data layer works, and what waited for it is dropped. */
    configUnavailable(message: string, waited: AcquaintEvent[]): void {
      log.error(`acquaint: config unavailable: ${message}; the data layer works, nothing is sent`);
      fail('config_unavailable', message);
      dropped(
        waited.map((e) => e.messageId),
        'config_unavailable',
      );
    },
    /** The config's problems: one console error, and on('error'). */
    configIssues(issues: ConfigIssue[]): void {
      log.error(formatIssues(issues));
      emitter.emit('error', { code: 'invalid_config', message: 'invalid config', issues });
    },
    /** A copy: listeners must not change what gates stamp. */
    consentChanged: (state: ConsentChoices): void => emitter.emit('consent', { ...state }),
    /** `acquaint.on(type, listener)`: returns the unsubscribe function. */
    on<K extends keyof AcquaintEvents>(type: K, listener: (payload: AcquaintEvents[K]) => void): () => void {
      if (!REPORT_TYPES.includes(type) || typeof listener !== 'function') {
        log.error(`acquaint: on(type, listener): type must be one of ${REPORT_TYPES.join(', ')} and listener a function`);
        return () => undefined;
      }
      return emitter.on(type, listener);
    },
    /** What routes/ and delivery/ report, per destination. */
    routes: {
      delivered(destination: string, messageIds: string[]): void {
        steps(messageIds, destination, 'delivered');
        emitter.emit('delivered', { destination, messageIds });
      },
      dropped: (destination: string, messageIds: string[], reason: DropReason) => dropped(messageIds, reason, destination),
      failed(destination: string, messageIds: string[], { reason, ...failure }: Failure): void {
        if (failure.retry) steps(messageIds, destination, 'retrying', `${reason}; next try in ${failure.retryInMs ?? 0} ms`);
        fail('send_failed', reason, { destination, messageIds, ...failure });
      },
      initFailed: (destination: string, error: unknown) => fail('destination_init_failed', String(error), { destination }),
      loadFailed: (destination: string, error: unknown) =>
        fail('destination_load_failed', error instanceof Error ? error.message : String(error), { destination }),
      ruled(destination: string, event: AcquaintEvent, result: RuleResult): void {
        // No SubtleCrypto (plain http is no secure context): a field to hash is left out, and said so.
        if ('event' in result && result.unhashed)
          log.warnOnce(
            `acquaint: ${destination}: fields its hash rules name are left out, not hashed: no crypto.subtle on this page (plain http?)`,
          );
        if (!trace()) return;
        if ('skip' in result) return steps([event.messageId], destination, result.skip);
        const changed = [
          result.redacted && `${result.redacted} value(s) redacted`,
          result.hashed && `${result.hashed} field(s) hashed`,
          result.unhashed && `${result.unhashed} field(s) left out: no crypto.subtle to hash them`,
        ]
          .filter(Boolean)
          .join(', ');
        steps([event.messageId], destination, changed ? 'redacted' : 'queued', changed);
      },
      /** Waiting at the consent gate, and why (`analytics pending`). */
      held(destination: string, event: AcquaintEvent, why: string): void {
        steps([event.messageId], destination, 'held', why);
      },
    },
  };
}

export type RouteReports = ReturnType<typeof createReporter>['routes'];
