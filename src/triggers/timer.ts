import type { TriggerConfig } from '../config/tags-schema';
import { safely } from './dom';
import type { Armed, Stop, TriggerDom } from './types';

/** A `timer` trigger of the config. */
export type TimerTrigger = Extract<TriggerConfig, { type: 'timer' }>;

interface Clock {
  armed: Armed<TimerTrigger>;
  count: number;
  /** What is left of the current interval; kept while the page is hidden. */
  remaining: number;
  startedAt: number;
  handle: number | undefined;
}

/** Fires each timer trigger every `intervalMs` of time the page is visible, up to its `limit`. */
export function watchTimers(dom: TriggerDom, armed: Armed<TimerTrigger>[]): Stop {
  const { window: win, document: doc } = dom;
  const now = (): number => win.performance.now();
  const clocks: Clock[] = armed.map((entry) => ({
    armed: entry,
    count: 0,
    remaining: entry.trigger.intervalMs,
    startedAt: 0,
    handle: undefined,
  }));
  const finished = (clock: Clock): boolean => clock.armed.trigger.limit !== undefined && clock.count >= clock.armed.trigger.limit;

  // setTimeout for the remainder, not setInterval: a pause keeps the elapsed part exactly.
  function run(clock: Clock): void {
    if (clock.handle !== undefined || finished(clock)) return;
    clock.startedAt = now();
    clock.handle = win.setTimeout(() => tick(clock), clock.remaining);
  }

  function tick(clock: Clock): void {
    clock.handle = undefined;
    clock.count += 1;
    clock.remaining = clock.armed.trigger.intervalMs;
    const count = clock.count;
    safely(() => clock.armed.fire({ timer: count }));
    if (doc.visibilityState === 'visible') run(clock);
  }

  function pause(clock: Clock): void {
    if (clock.handle === undefined) return;
    win.clearTimeout(clock.handle);
    clock.handle = undefined;
    clock.remaining = Math.max(0, clock.remaining - (now() - clock.startedAt));
  }

  const onVisibility = (): void => {
    for (const clock of clocks) {
      if (doc.visibilityState === 'visible') run(clock);
      else pause(clock);
    }
  };

  doc.addEventListener('visibilitychange', onVisibility);
  onVisibility();
  return () => {
    doc.removeEventListener('visibilitychange', onVisibility);
    for (const clock of clocks) pause(clock);
  };
}
