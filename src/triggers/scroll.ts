import type { TriggerConfig } from '../config/tags-schema';
import { safely } from './dom';
import type { Armed, Stop, TriggerDom } from './types';

/** A `scroll` trigger of the config. */
export type ScrollTrigger = Extract<TriggerConfig, { type: 'scroll' }>;

const passive: AddEventListenerOptions = { passive: true };

/** Fires each scroll trigger's depth thresholds once per page view, in ascending order. */
export function watchScroll(dom: TriggerDom, armed: Armed<ScrollTrigger>[], onNavigate: (listener: () => void) => void): Stop {
  const { window: win, document: doc } = dom;
  const watches = armed.map(({ trigger, fire }) => ({
    fire,
    thresholds: [...new Set(trigger.percent)].sort((a, b) => a - b),
    fired: new Set<number>(),
  }));
  let frame: number | undefined;
  let stopped = false;

  // Layout is read here only, once per frame, however many scroll events came before it.
  function depth(): number {
    const height = Math.max(doc.documentElement.scrollHeight, doc.body?.scrollHeight ?? 0);
    const seen = win.scrollY + win.innerHeight;
    if (!(seen > 0)) return 0;
    // Fractional scroll positions (zoom) can stop a pixel short of the bottom: that is the bottom.
    if (seen >= height - 1) return 100;
    return Math.min(100, Math.floor((seen / height) * 100));
  }

  function measure(): void {
    frame = undefined;
    if (stopped) return;
    const percent = depth();
    for (const watch of watches) {
      for (const threshold of watch.thresholds) {
        if (threshold > percent) break;
        if (watch.fired.has(threshold)) continue;
        watch.fired.add(threshold);
        safely(() => watch.fire({ scroll: threshold }));
      }
    }
  }

  const schedule = (): void => {
    if (frame === undefined && !stopped) frame = win.requestAnimationFrame(measure);
  };
  const start = (): void => {
    doc.removeEventListener('DOMContentLoaded', start);
    schedule();
  };

  win.addEventListener('scroll', schedule, passive);
  win.addEventListener('resize', schedule, passive);
  // A short page reports what is visible without scrolling, once it is parsed.
  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', start);
  else schedule();
  onNavigate(() => {
    for (const watch of watches) watch.fired.clear();
    schedule();
  });

  return () => {
    stopped = true;
    win.removeEventListener('scroll', schedule, passive);
    win.removeEventListener('resize', schedule, passive);
    doc.removeEventListener('DOMContentLoaded', start);
    if (frame !== undefined) win.cancelAnimationFrame(frame);
    frame = undefined;
  };
}
