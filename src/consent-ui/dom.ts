// The banner's only way to make DOM: elements and attributes by name, text as Text nodes.
// Nothing here parses HTML, so no config string can become markup.

export type Child = Node | string;

/** `<tag attrs>children</tag>`; string children become Text nodes. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/** A button; `alt` is the outlined style of "Choose" and "Back". */
export function button(text: string, onClick: () => void, alt = false): HTMLButtonElement {
  const element = h('button', alt ? { type: 'button', class: 'alt' } : { type: 'button' }, text);
  element.addEventListener('click', onClick);
  return element;
}

/** The enabled controls inside `container`, in tab order (the banner sets no positive tabindex). */
export function focusables(container: Element): HTMLElement[] {
  return Array.from(container.querySelectorAll<HTMLElement>('a[href],button,input,[tabindex="0"]')).filter(
    (el) => !(el as HTMLInputElement).disabled,
  );
}

/** An http(s) URL for a link, or undefined for anything else (`javascript:` and the like). */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const resolved = new URL(url, document.baseURI);
    return resolved.protocol === 'https:' || resolved.protocol === 'http:' ? resolved.href : undefined;
  } catch {
    return undefined;
  }
}
