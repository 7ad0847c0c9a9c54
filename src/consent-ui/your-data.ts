// "Your data" as DOM: what the site keeps about the visitor on this device, why, and where it
// went, with "Download my data" and "Forget me". Behaviour (focus, layers) is wired in open.ts.
import { button, h } from './dom';
import { describePurpose, type Texts } from './texts';
import type { BannerOptions, StoredData, YourData } from './types';
import { yourData, type LocalKeys } from './visitor';

// localStorage throws where storage is blocked: then it holds nothing of ours.
function localStorageOrNone(): LocalKeys | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

const show = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)));

/** A heading and its entries (`dt`/`dd` pairs), or "Nothing". */
function section(title: string, rows: [string, string][], none: string): HTMLElement[] {
  const list = rows.length ? h('dl', {}, ...rows.flatMap(([term, detail]) => [h('dt', {}, term), h('dd', {}, detail)])) : h('p', {}, none);
  return [h('h3', {}, title), list];
}

/** The layer's content for `data`, replacing what was there. */
function render(texts: Texts, data: YourData): HTMLElement[] {
  const ids: [string, string][] = [
    [texts.dataVisitorId, data.anonymousId],
    ...(data.userId ? [[texts.dataUserId, data.userId] as [string, string]] : []),
    [texts.dataSession, data.sessionId],
  ];
  const traits = data.traits.map(({ key, value, hashed }): [string, string] => [
    key,
    hashed ? `${show(value)} (${texts.dataHashed})` : show(value),
  ]);
  const audiences = data.audiences.map(({ id, label, description }): [string, string] => [label || id, description || '']);
  const sent = data.sent.map(({ purpose, destinations }): [string, string] => [
    describePurpose({ id: purpose, state: 'granted', locked: false }).label,
    destinations.map(({ id, events }) => `${id}: ${events} ${texts.dataEvents}`).join(', '),
  ]);
  const { receipt } = data;
  return [
    ...section(texts.dataIds, ids, texts.dataNone),
    // The chain of this device's consent decisions, as the relay keeps it (contract §10).
    ...(receipt
      ? [
          ...section(texts.dataReceipt, [[texts.dataReceipt, receipt.id]], texts.dataNone),
          h('p', {}, h('a', { href: receipt.chainUrl, download: 'consent-receipts.json' }, texts.receiptDownload)),
        ]
      : []),
    ...section(texts.dataTraits, traits, texts.dataNone),
    ...section(texts.dataAudiences, audiences, texts.dataNone),
    ...section(texts.dataSent, sent, texts.dataNone),
  ];
}

/** Saves `stored` as my-data.json through a download link (no navigation, no new window). */
function download(stored: StoredData, root: Node): void {
  const url = URL.createObjectURL(new Blob([`${JSON.stringify(stored, null, 2)}\n`], { type: 'application/json' }));
  const link = h('a', { href: url, download: 'my-data.json', hidden: '' });
  root.appendChild(link);
  link.click();
  link.remove();
  // Revoked later: some browsers read the blob only after the click's task.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** The "Your data" dialog: filled by `refresh()` each time it is shown. */
export function dataLayer(texts: Texts, options: BannerOptions, on: { close(): void }) {
  // Focusable, as it may scroll: a keyboard must reach all of it (axe: scrollable-region-focusable).
  const content = h('div', { class: 'tx', id: 'acq-data', tabindex: '0', role: 'region', 'aria-labelledby': 'acq-title3' });
  const status = h('p', { role: 'status' });
  let data: YourData | undefined;
  const refresh = async (): Promise<void> => {
    const facts = await options.data?.();
    if (!facts) return;
    data = yourData(facts, localStorageOrNone());
    content.replaceChildren(h('p', {}, texts.yourDataBody), ...render(texts, data));
  };
  const save = button(texts.download, () => data && download(data.stored, dialog));
  const forget = button(texts.forget, () => {
    void options.forget?.().then(async ({ relay }) => {
      await refresh();
      status.textContent = relay === 'confirmed' ? `${texts.forgotten} ${texts.forgottenRelay}` : texts.forgotten;
    });
  });
  const dialog = h(
    'div',
    { class: 'dlg', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'acq-title3', tabindex: '-1' },
    h('h2', { id: 'acq-title3' }, texts.yourData),
    content,
    status,
    h('div', { class: 'row' }, save, forget, button(texts.close, on.close, true)),
  );
  return { element: h('div', { class: 'bd', hidden: '' }, dialog), dialog, refresh, status };
}
