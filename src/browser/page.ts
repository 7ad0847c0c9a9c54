import type { PageContext } from '../events/event';

/** On `<html>`: the visitor's audiences, space-separated, for `[data-acquaint-audiences~="vip"]` in the site's CSS. */
const AUDIENCES_ATTRIBUTE = 'data-acquaint-audiences';

/**
 * The page as events carry it. A burst of events shares its page: one object while nothing
 * changed, and the path read once per URL (each location getter costs 1-2 µs, a good part of a
 * track() in a burst).
 */
export function pageReader(): () => PageContext {
  let page: PageContext = { url: '', path: '', referrer: '', title: '' };
  return () => {
    const { url, path } = page;
    const now = location.href;
    const referrer = document.referrer;
    const title = document.title;
    if (now !== url || referrer !== page.referrer || title !== page.title)
      page = { url: now, path: now === url ? path : location.pathname, referrer, title };
    return page;
  };
}

/**
 * True in the pagehide task (see storage/held-store.ts): set before any other pagehide listener runs
 * (capture listeners on the target run first), cleared by the next task, which a page frozen in
 * the back/forward cache runs only if restored.
 */
export function watchLeaving(): () => boolean {
  let leaving = false;
  window.addEventListener(
    'pagehide',
    () => {
      leaving = true;
      window.setTimeout(() => (leaving = false), 0);
    },
    true,
  );
  return () => leaving;
}

/** Called when the page is hidden or unloads: the last moment to hand events over. */
export function onPageHide(listener: () => void): void {
  window.addEventListener('pagehide', listener);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') listener();
  });
}

/** Called after `history.pushState` and on `popstate` (single-page apps). */
export function onNavigate(listener: () => void): void {
  const push = history.pushState;
  history.pushState = function (this: History, ...args: Parameters<History['pushState']>) {
    push.apply(this, args);
    listener();
  };
  window.addEventListener('popstate', listener);
}

/** Calls `listener` once the page has loaded (the window `load` event), at once if it has. */
export function onLoad(listener: () => void): void {
  if (document.readyState === 'complete') window.setTimeout(listener, 0);
  else window.addEventListener('load', () => listener(), { once: true });
}

/** A function the page (a CMP) put on window, read when needed: it may arrive after acquaint. */
export function pageFunction<T>(name: string): T | undefined {
  const value: unknown = Reflect.get(window, name);
  return typeof value === 'function' ? (value as T) : undefined;
}

/** The audiences on `<html>` for the site's CSS; none: the attribute goes. */
export function showAudiences(members: readonly string[]): void {
  const root = document.documentElement;
  if (members.length) root.setAttribute(AUDIENCES_ATTRIBUTE, members.join(' '));
  else root.removeAttribute(AUDIENCES_ATTRIBUTE);
}
