// The two layers of the banner as DOM: the short first layer (a non-modal region at the bottom)
// and the per-purpose choices (a modal dialog). Behaviour is wired in open.ts.
import { button, h, safeUrl } from './dom';
import { describePurpose, type Texts } from './texts';
import type { BannerOptions } from './types';

/** Accept all, Reject all (equal: same element, same class) and Choose. */
export function firstLayer(texts: Texts, options: BannerOptions, on: { accept(): void; reject(): void; choose(): void }) {
  const body = h('p', { id: 'acq-body' }, texts.body);
  const policy = safeUrl(options.privacyPolicyUrl);
  if (policy) body.append(' ', h('a', { href: policy }, texts.privacyPolicyLabel));
  const accept = button(texts.acceptAll, on.accept);
  const choose = button(texts.choose, on.choose, true);
  // The texts scroll on a short screen; the buttons below them always stay in view.
  const text = h('div', { class: 'tx' }, h('h2', { id: 'acq-title' }, texts.title), body);
  if (options.gpc) text.append(h('p', {}, texts.gpcNotice));
  const row = h('div', { class: 'row' }, accept, button(texts.rejectAll, on.reject), choose);
  const element = h('div', { class: 'bar', role: 'region', 'aria-labelledby': 'acq-title', 'aria-describedby': 'acq-body' }, text, row);
  return { element, accept, choose };
}

/** A switch per purpose (locked ones disabled at their fixed state), Save and Back, and "Your data" where the runtime offers it. */
export function secondLayer(texts: Texts, options: BannerOptions, on: { save(): void; back(): void; data?(): void }) {
  const switches = new Map<string, HTMLInputElement>();
  const items = options.purposes.map((purpose, index) => {
    const { label, description } = describePurpose(purpose);
    const id = `acq-p${index}`;
    const notes: HTMLElement[] = [];
    if (description) notes.push(h('p', { id: `${id}-d` }, description));
    if (options.gpc && purpose.locked && purpose.id === 'marketing') notes.push(h('p', { id: `${id}-g` }, texts.gpcNotice));
    const input = h('input', { type: 'checkbox', role: 'switch', id });
    if (notes.length) input.setAttribute('aria-describedby', notes.map((note) => note.id).join(' '));
    input.checked = purpose.state === 'granted';
    input.disabled = purpose.locked;
    // Space toggles a checkbox natively; the switch pattern lets Enter toggle it too.
    input.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter') return;
      event.preventDefault();
      input.click();
    });
    switches.set(purpose.id, input);
    return h('li', {}, h('div', {}, h('label', { for: id }, label), ...notes), input);
  });
  const dialog = h(
    'div',
    // tabindex -1: a click on the dialog's text focuses the dialog, so Tab stays trapped.
    { class: 'dlg', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'acq-title2', tabindex: '-1' },
    h('h2', { id: 'acq-title2' }, texts.title),
    h('ul', {}, ...items),
    h(
      'div',
      { class: 'row' },
      button(texts.save, on.save),
      button(texts.back, on.back, true),
      ...(on.data ? [button(texts.yourData, on.data, true)] : []),
    ),
  );
  return { element: h('div', { class: 'bd', hidden: '' }, dialog), dialog, switches };
}
