import type { PageContext } from './event';

export interface NavigationEnv {
  page(): PageContext;
  setTimeout(callback: () => void, ms: number): unknown;
  onNavigate?(listener: () => void): void;
}

const withoutFragment = (url: string): string => url.split('#')[0]!;

/**
 * `autoPage: "history"`: a page view for each `pushState`/`popstate` that lands on another
 * URL (a new #fragment alone is not a page). It is built one task later, once the app has
 * usually set the new title; its referrer is the previous view's URL.
 */
export function followHistory(env: NavigationEnv, pageView: (previousUrl: string) => void): void {
  let current = env.page().url;
  env.onNavigate?.(() => {
    env.setTimeout(() => {
      const { url } = env.page();
      if (withoutFragment(url) === withoutFragment(current)) return;
      const previous = current;
      current = url;
      pageView(previous);
    }, 0);
  });
}
