import type { TriggerDom } from './types';

// What the DOM watchers share: walking an event's path, links, and never throwing into the page.

const XHTML = 'http://www.w3.org/1999/xhtml';
const DOWNLOAD = /\.(?:pdf|zip|rar|7z|gz|tar|dmg|exe|msi|apk|csv|txt|docx?|xlsx?|pptx?|odt|ods|mp3|mp4|mov|avi|wav|epub|iso|json|xml)$/i;

/** The page's window with its constructors (IntersectionObserver, MutationObserver, …). */
export function platform(dom: TriggerDom): Window & typeof globalThis {
  return dom.window as Window & typeof globalThis;
}

/** True for an Element of any namespace (HTML, SVG, MathML); false for text, documents and windows. */
export function isElement(target: EventTarget | null | undefined): target is Element {
  return target != null && (target as Node).nodeType === 1;
}

/** The elements an event passes through, from its target outwards, open shadow roots included. */
export function pathOf(event: Event): Element[] {
  const path = event.composedPath();
  if (path.length > 0) return path.filter(isElement);
  // composedPath() is empty once dispatch is over; the light-DOM ancestors are the best left.
  const elements: Element[] = [];
  for (let node = isElement(event.target) ? event.target : null; node; node = node.parentElement) elements.push(node);
  return elements;
}

/** The first element of `path` that matches `selector`; undefined if none does or the selector throws. */
export function firstMatch(path: readonly Element[], selector: string): Element | undefined {
  try {
    return path.find((element) => element.matches(selector));
  } catch {
    return undefined;
  }
}

/** The element an event passed through nearest its target that matches `selector`. */
export function nearest(event: Event, selector: string): Element | undefined {
  return firstMatch(pathOf(event), selector);
}

/** `element.matches(selector)`, false where the selector throws. */
export function matchesSafely(element: Element, selector: string): boolean {
  try {
    return element.matches(selector);
  } catch {
    return false;
  }
}

/** The HTML link (`a[href]`, `area[href]`) that is `element` or contains it. */
export function linkOf(element: Element): HTMLAnchorElement | HTMLAreaElement | undefined {
  let link: Element | null;
  try {
    link = element.closest('a[href],area[href]');
  } catch {
    return undefined;
  }
  // An SVG <a> has an SVGAnimatedString href; only HTML links are typed as such.
  return link && link.namespaceURI === XHTML ? (link as HTMLAnchorElement | HTMLAreaElement) : undefined;
}

/** The link's resolved http(s) URL; undefined for mailto:, tel:, javascript: or an unparsable href. */
function webUrlOf(link: HTMLAnchorElement | HTMLAreaElement): URL | undefined {
  try {
    const url = new URL(link.href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** True when the link goes to another host (port included) than the page's, over http(s). */
export function isOutbound(link: HTMLAnchorElement | HTMLAreaElement, location: Pick<Location, 'host'>): boolean {
  const url = webUrlOf(link);
  return url !== undefined && url.host !== location.host;
}

/** True when the link has a `download` attribute or its path ends in a file extension. */
export function isDownload(link: HTMLAnchorElement | HTMLAreaElement): boolean {
  if (link.hasAttribute('download')) return true;
  const url = webUrlOf(link);
  return url !== undefined && DOWNLOAD.test(url.pathname);
}

/** Runs a callback from a page listener: a trigger never throws into the page. */
export function safely(run: () => void): void {
  try {
    run();
  } catch {
    // Nothing to report to: fire() reports its own failures; this only guards the page.
  }
}
