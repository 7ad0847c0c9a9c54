import type { TriggerConfig } from '../config/tags-schema';
import { isElement, matchesSafely, platform, safely } from './dom';
import type { Armed, Stop, TriggerDom } from './types';

/** A `visible` trigger of the config. */
export type VisibleTrigger = Extract<TriggerConfig, { type: 'visible' }>;

interface Watch {
  trigger: VisibleTrigger;
  fire: Armed<VisibleTrigger>['fire'];
  threshold: number;
  observer: IntersectionObserver;
  /** Matched elements still in the page: what a navigation observes again and a removal forgets. */
  known: Set<Element>;
  /** Elements at or above the threshold now; `every` fires again only after one has left. */
  shown: Set<Element>;
  fired: WeakSet<Element>;
  pageFired: boolean;
  timers: Map<Element, number>;
}

// Past this many added elements waiting for a frame (a hidden tab runs no frames), process them at once.
const MAX_PENDING = 1000;

/** Fires visible triggers for matching elements, those added later included, once seen long enough. */
export function watchVisible(dom: TriggerDom, armed: Armed<VisibleTrigger>[], onNavigate: (listener: () => void) => void): Stop {
  const win = platform(dom);
  const doc = dom.document;
  if (armed.length === 0 || typeof win.IntersectionObserver !== 'function' || typeof win.MutationObserver !== 'function') return () => {};
  let stopped = false;

  const watches = armed.map(({ trigger, fire }): Watch => {
    const threshold = (trigger.minPercent ?? 50) / 100;
    const observer = new win.IntersectionObserver(
      (entries) => {
        for (const entry of entries) seen(watch, entry);
      },
      { threshold },
    );
    const watch: Watch = {
      trigger,
      fire,
      threshold,
      observer,
      known: new Set(),
      shown: new Set(),
      fired: new WeakSet(),
      pageFired: false,
      timers: new Map(),
    };
    return watch;
  });

  const once = (watch: Watch) => watch.trigger.once ?? 'element';
  const done = (watch: Watch, element: Element) =>
    once(watch) === 'page' ? watch.pageFired : once(watch) === 'element' && watch.fired.has(element);

  function cancel(watch: Watch, element: Element): void {
    const timer = watch.timers.get(element);
    if (timer !== undefined) win.clearTimeout(timer);
    watch.timers.delete(element);
  }

  function fireFor(watch: Watch, element: Element): void {
    if (stopped || done(watch, element)) return;
    if (once(watch) === 'page') {
      watch.pageFired = true;
      for (const other of watch.known) cancel(watch, other);
      watch.observer.disconnect();
    } else if (once(watch) === 'element') {
      watch.fired.add(element);
      watch.observer.unobserve(element);
    }
    safely(() => watch.fire({ element }));
  }

  function seen(watch: Watch, entry: IntersectionObserverEntry): void {
    const element = entry.target;
    // IntersectionObserver's ratios are rounded, so the threshold gets a little tolerance.
    if (!entry.isIntersecting || entry.intersectionRatio < watch.threshold - 1e-6) {
      watch.shown.delete(element);
      cancel(watch, element);
      return;
    }
    if (watch.shown.has(element) || done(watch, element)) return;
    watch.shown.add(element);
    const minMs = watch.trigger.minMs ?? 0;
    if (minMs === 0) fireFor(watch, element);
    else
      watch.timers.set(
        element,
        win.setTimeout(() => {
          watch.timers.delete(element);
          fireFor(watch, element);
        }, minMs),
      );
  }

  function track(watch: Watch, element: Element): void {
    if (watch.known.has(element)) return;
    watch.known.add(element);
    if (!done(watch, element)) watch.observer.observe(element);
  }

  function scan(watch: Watch, root: Element | Document): void {
    if (isElement(root) && matchesSafely(root, watch.trigger.selector)) track(watch, root);
    try {
      root.querySelectorAll(watch.trigger.selector).forEach((element) => track(watch, element));
    } catch {
      // An invalid selector is reported by the config; here it just matches nothing.
    }
  }

  function forget(watch: Watch, element: Element): void {
    watch.known.delete(element);
    watch.shown.delete(element);
    cancel(watch, element);
    watch.observer.unobserve(element);
  }

  // One MutationObserver for every trigger; added and removed nodes are handled once per frame.
  const added = new Set<Element>();
  let removed = false;
  let frame: number | undefined;
  function flush(): void {
    if (frame !== undefined) win.cancelAnimationFrame(frame);
    frame = undefined;
    if (stopped) return;
    for (const watch of watches) {
      if (removed) for (const element of [...watch.known]) if (!element.isConnected) forget(watch, element);
      for (const element of added) if (element.isConnected) scan(watch, element);
    }
    added.clear();
    removed = false;
  }
  const mutations = new win.MutationObserver((records) => {
    for (const record of records) {
      record.addedNodes.forEach((node) => {
        if (isElement(node)) added.add(node);
      });
      if (record.removedNodes.length > 0) removed = true;
    }
    if (added.size > MAX_PENDING) flush();
    else if (frame === undefined) frame = win.requestAnimationFrame(flush);
  });
  mutations.observe(doc.documentElement, { childList: true, subtree: true });
  for (const watch of watches) scan(watch, doc);

  // A single-page navigation is a new page view: `page` and `element` start again, and
  // observing anew makes IntersectionObserver report what is on screen now.
  onNavigate(() => {
    if (stopped) return;
    flush();
    for (const watch of watches) {
      if (once(watch) === 'every') continue;
      watch.pageFired = false;
      watch.fired = new WeakSet();
      watch.shown.clear();
      for (const element of [...watch.known]) {
        cancel(watch, element);
        watch.observer.unobserve(element);
        if (element.isConnected) watch.observer.observe(element);
        else forget(watch, element);
      }
      scan(watch, doc);
    }
  });

  return () => {
    stopped = true;
    mutations.disconnect();
    if (frame !== undefined) win.cancelAnimationFrame(frame);
    added.clear();
    for (const watch of watches) {
      watch.observer.disconnect();
      for (const element of watch.known) cancel(watch, element);
      watch.known.clear();
      watch.shown.clear();
    }
  };
}
