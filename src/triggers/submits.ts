import type { TriggerConfig } from '../config/tags-schema';
import { isElement, matchesSafely, platform, safely } from './dom';
import type { Armed, Stop, TriggerDom } from './types';

/** A `submit` trigger of the config. */
export type SubmitTrigger = Extract<TriggerConfig, { type: 'submit' }>;

/** Fires submit triggers (and calls `tagged` for a form with `data-acquaint-event`) from one capturing listener. */
export function watchSubmits(dom: TriggerDom, armed: Armed<SubmitTrigger>[], tagged?: (form: HTMLFormElement) => void): Stop {
  const win = dom.window;
  // Each undecided submit: called with true to decide it, false to drop it (on stop).
  const pending = new Set<(decideNow: boolean) => void>();

  function isForm(target: EventTarget | undefined): target is HTMLFormElement {
    if (!isElement(target)) return false;
    const FormElement = platform(dom).HTMLFormElement;
    return typeof FormElement === 'function' ? target instanceof FormElement : target.tagName === 'FORM';
  }

  // Capture runs before the page's handlers, so whether they prevent the submit is known only
  // at the end of dispatch: a bubble listener on window sees it then, and a zero timeout
  // decides instead when a page handler stopped propagation before the event got there.
  function afterDispatch(event: Event, decide: () => void): void {
    let timer = 0;
    const finish = (decideNow: boolean): void => {
      if (!pending.delete(finish)) return;
      win.removeEventListener('submit', onWindow);
      win.clearTimeout(timer);
      if (decideNow) decide();
    };
    const onWindow = (seen: Event): void => {
      if (seen === event) finish(true);
    };
    pending.add(finish);
    win.addEventListener('submit', onWindow);
    timer = win.setTimeout(() => finish(true), 0);
  }

  const onSubmit = (event: Event): void => {
    const form = event.composedPath()[0] ?? event.target ?? undefined;
    if (!isForm(form)) return;
    const checked: Armed<SubmitTrigger>[] = [];
    for (const entry of armed) {
      if (!matchesSafely(form, entry.trigger.selector)) continue;
      if (entry.trigger.checkValidation) checked.push(entry);
      else safely(() => entry.fire({ form }));
    }
    if (tagged && form.hasAttribute('data-acquaint-event')) safely(() => tagged(form));
    if (checked.length === 0) return;
    afterDispatch(event, () => {
      if (event.defaultPrevented) return;
      for (const { fire } of checked) safely(() => fire({ form }));
    });
  };

  // Capture on the window, like clicks: no page handler can stop the submit before it is seen.
  dom.window.addEventListener('submit', onSubmit, true);
  return () => {
    dom.window.removeEventListener('submit', onSubmit, true);
    // Undecided submits are dropped with their listener and timer, not fired after stop.
    for (const finish of [...pending]) finish(false);
  };
}
