// openBanner: puts the banner in a shadow root at the end of <body>, manages focus between the
// page and its layers (the short one, the choices, "Your data"), and reports the visitor's choice once.
import { focusables, h } from './dom';
import { firstLayer, secondLayer } from './layers';
import { applyStyle } from './style';
import { decide, resolveTexts } from './texts';
import type { BannerHandle, BannerLayer, BannerOptions, Choice } from './types';
import { dataLayer } from './your-data';

/** Opens the banner; the handle's close() removes everything it added. */
export function openBanner(options: BannerOptions): BannerHandle {
  const texts = resolveTexts(options.texts ?? {});
  const previous = document.activeElement as HTMLElement | null;
  const host = document.createElement('acquaint-consent');
  const root = host.attachShadow({ mode: 'open' });
  applyStyle(root, options.nonce);
  let closed = false;

  const finish = (choice: (id: string) => Choice) => {
    try {
      options.choose(decide(options.purposes, (purpose) => choice(purpose.id)));
    } finally {
      close();
    }
  };
  const first = firstLayer(texts, options, {
    accept: () => finish(() => 'granted'),
    reject: () => finish(() => 'denied'),
    choose: () => show('choose'),
  });
  const second = secondLayer(texts, options, {
    save: () => finish((id) => (second.switches.get(id)?.checked ? 'granted' : 'denied')),
    back: () => show('first'),
    ...(options.data ? { data: () => show('data') } : {}),
  });
  // "Your data" goes back to the choices it was opened from, or closes if it was opened alone.
  const leaveData = (): void => (options.layer === 'data' ? close() : show('choose'));
  const data = dataLayer(texts, options, { close: leaveData });

  function show(layer: BannerLayer, initial = false): void {
    first.element.hidden = layer !== 'first';
    second.element.hidden = layer !== 'choose';
    data.element.hidden = layer !== 'data';
    if (layer === 'data') {
      data.status.textContent = '';
      data.dialog.focus();
      void data.refresh();
      return;
    }
    const target = layer === 'first' ? (initial ? first.accept : first.choose) : focusables(second.dialog)[0];
    target?.focus();
  }

  // The dialogs are modal: Tab and Shift+Tab cycle inside, Escape goes back a layer.
  const modal = (dialog: HTMLElement, backdrop: HTMLElement, back: () => void): void => {
    dialog.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        back();
        return;
      }
      if (event.key !== 'Tab') return;
      const controls = focusables(dialog);
      const active = root.activeElement;
      const edge = event.shiftKey ? controls[0] : controls[controls.length - 1];
      if (active === edge || !controls.includes(active as HTMLElement)) {
        event.preventDefault();
        (event.shiftKey ? controls[controls.length - 1] : controls[0])?.focus();
      }
    });
    // A click on the backdrop must not take focus out of the modal dialog.
    backdrop.addEventListener('mousedown', (event) => {
      if (event.target === backdrop) event.preventDefault();
    });
  };
  modal(second.dialog, second.element, () => show('first'));
  modal(data.dialog, data.element, leaveData);

  const custom = Object.values(options.texts ?? {}).some(Boolean);
  // The defaults are English; site texts without a `lang` keep the page's language.
  const lang = options.lang || (custom ? '' : 'en');
  root.append(h('div', lang ? { class: 'w', lang } : { class: 'w' }, first.element, second.element, data.element));
  (document.body || document.documentElement).append(host);
  show(options.layer === 'choose' || (options.layer === 'data' && options.data) ? options.layer : 'first', true);

  function close(): void {
    if (closed) return;
    closed = true;
    // Give focus back if the banner had it (Safari leaves a clicked button unfocused, on <body>);
    // a close() from the site while the visitor is elsewhere on the page must not steal it.
    const active = document.activeElement;
    const hadFocus = !active || active === host || active === document.body;
    host.remove();
    if (hadFocus && previous?.isConnected) previous.focus?.();
  }
  return { close };
}
