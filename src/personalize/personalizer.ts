import type { PersonalizeEntry } from '../config/load-personalize';

/** The page a personalizer works on (given, so it runs in tests and in either build). */
export interface PersonalizeDom {
  document: Document;
  MutationObserver?: typeof MutationObserver;
}

/**
 * Applies the config's `personalize` entries: while the visitor is a member of an entry's
 * audience its elements are shown (`hidden` removed), hidden, or carry its class; otherwise the
 * opposite. Only `hidden` and `classList` are touched, never HTML. Elements added later (a
 * single-page app's views, the rest of the page still loading) get the same as they arrive.
 */
export function createPersonalizer(entries: readonly PersonalizeEntry[], { document, MutationObserver }: PersonalizeDom) {
  let members: readonly string[] | undefined;

  function applyWithin(root: ParentNode & Partial<Pick<Element, 'matches'>>): void {
    if (!members) return;
    for (const { entry } of entries) {
      const on = members.includes(entry.audience);
      const found = [...root.querySelectorAll(entry.selector)];
      if (root.matches?.(entry.selector)) found.push(root as Element);
      for (const element of found) {
        if (entry.action === 'class') element.classList.toggle(entry.class!, on);
        else element.toggleAttribute('hidden', entry.action === 'show' ? !on : on);
      }
    }
  }

  // Only added nodes are looked at; the attribute and class changes made here trigger nothing.
  if (MutationObserver) {
    new MutationObserver((records) => {
      for (const record of records) for (const node of record.addedNodes) if (node.nodeType === 1) applyWithin(node as Element);
    }).observe(document.documentElement, { childList: true, subtree: true });
  }

  /** The visitor's audiences now (none: everything as for a non-member). */
  return (now: readonly string[]): void => {
    members = now;
    applyWithin(document);
  };
}
