import type { TriggerConfig } from '../config/tags-schema';
import { firstMatch, isDownload, isOutbound, linkOf, pathOf, safely } from './dom';
import type { Armed, Stop, TriggerDom } from './types';

/** A `click` trigger of the config. */
export type ClickTrigger = Extract<TriggerConfig, { type: 'click' }>;

// Capture on the window, the first stop of every event's path: no page handler (on an element,
// the document, or the window itself, where only stopImmediatePropagation would count) can stop
// the click before it is seen. Passive, because we never prevent anything.
const options: AddEventListenerOptions = { capture: true, passive: true };

/** Fires click triggers (and calls `tagged` for `data-acquaint-event` elements) from one delegated listener. */
export function watchClicks(dom: TriggerDom, armed: Armed<ClickTrigger>[], tagged?: (element: Element) => void): Stop {
  const location = dom.window.location;

  function passes(element: Element, links: ClickTrigger['links'], linksOnly: boolean): boolean {
    if (!links && !linksOnly) return true;
    const link = linkOf(element);
    if (!link) return false;
    if (links === 'outbound') return isOutbound(link, location);
    if (links === 'download') return isDownload(link);
    return true;
  }

  // A middle click opens a link (in a new tab) but does nothing elsewhere, so an auxclick
  // counts only on links. Ctrl/meta/shift-clicks are ordinary click events.
  function handle(event: Event, linksOnly: boolean): void {
    const path = pathOf(event);
    if (path.length === 0) return;
    for (const { trigger, fire } of armed) {
      const element = firstMatch(path, trigger.selector);
      if (element && passes(element, trigger.links, linksOnly)) safely(() => fire({ click: element }));
    }
    if (!tagged) return;
    // A form is tagged on submit (watchSubmits), not on clicks inside it.
    const element = path.find((candidate) => candidate.localName !== 'form' && candidate.hasAttribute('data-acquaint-event'));
    if (element && passes(element, undefined, linksOnly)) safely(() => tagged(element));
  }

  const onClick = (event: Event): void => handle(event, false);
  const onAuxClick = (event: Event): void => {
    if ((event as MouseEvent).button === 1) handle(event, true);
  };

  dom.window.addEventListener('click', onClick, options);
  dom.window.addEventListener('auxclick', onAuxClick, options);
  return () => {
    dom.window.removeEventListener('click', onClick, options);
    dom.window.removeEventListener('auxclick', onAuxClick, options);
  };
}
