// Script tags acquaint adds: its own optional files (the banner, triggers, audiences, debug mode,
// a vendor tag's adapter) and vendors' scripts, with the page's CSP nonce and under Trusted Types.

interface TrustedTypesLike {
  createPolicy(name: string, rules: { createScriptURL(url: string): string }): { createScriptURL(url: string): unknown };
}

// Under `require-trusted-types-for 'script'` a plain string src is refused. The policy is
// named "acquaint" (allow it with `trusted-types acquaint`); it passes only the one URL the
// runtime computed from its own script tag and the config.
let policy: { createScriptURL(url: string): unknown } | undefined;
function trustedScriptUrl(src: string): unknown {
  const trustedTypes = (window as Window & { trustedTypes?: TrustedTypesLike }).trustedTypes;
  if (!trustedTypes) return src;
  try {
    policy ??= trustedTypes.createPolicy('acquaint', { createScriptURL: (url) => url });
    return policy.createScriptURL(src);
  } catch {
    return src; // the policy is not allowed: the browser's own error says why
  }
}

export interface ScriptOptions {
  nonce?: string | undefined;
  integrity?: string | undefined;
  crossorigin?: string | undefined;
}

/** Adds a script tag (nonce passed on, Trusted Types respected); resolves on load. */
export function addScript(src: string, { nonce, integrity, crossorigin }: ScriptOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const tag = document.createElement('script');
    (tag as { src: unknown }).src = trustedScriptUrl(src);
    tag.async = true;
    if (nonce) tag.nonce = nonce;
    if (integrity) tag.integrity = integrity;
    if (crossorigin) tag.crossOrigin = crossorigin;
    tag.onload = () => resolve();
    // The browser does not say why: unreachable, blocked, or (with integrity) a hash mismatch.
    tag.onerror = () =>
      reject(new Error(`could not load ${src}${integrity ? ' (unreachable, blocked, or not matching its integrity)' : ''}`));
    document.head.append(tag);
  });
}

// Files that announce themselves by a DOM event (no global): one load per file.
const announced = new Map<string, Promise<unknown>>();

/** Adds the script once and resolves with what it announces (`detail` of its `eventName`). */
export function loadAnnounced<T>(src: string, eventName: string, nonce: string | undefined): Promise<T> {
  let loading = announced.get(eventName) as Promise<T> | undefined;
  if (loading) return loading;
  loading = new Promise<T>((resolve, reject) => {
    const listener = (event: Event) => resolve((event as CustomEvent<T>).detail);
    document.addEventListener(eventName, listener, { once: true });
    addScript(src, { nonce }).catch((error: Error) => {
      document.removeEventListener(eventName, listener);
      announced.delete(eventName); // a later call tries again
      reject(error);
    });
  });
  announced.set(eventName, loading);
  return loading;
}

/** Loading vendor tags: acquaint-<type>.js beside this file, then the vendor's script and globals. */
export function vendorSupport(beside: (file: string) => string, nonce: string | undefined) {
  return {
    loadAdapter: (type: string) => addScript(beside(`acquaint-${type}.js`), { nonce }),
    loadScript(src: string, options: { integrity?: string; crossorigin?: string } = {}): Promise<void> {
      const url = new URL(src, location.href);
      if (url.protocol !== 'https:' && url.origin !== location.origin)
        return Promise.reject(new Error(`refused to load ${src}: only https or same-origin scripts`));
      // SRI on a cross-origin script needs a CORS fetch.
      const crossorigin = options.crossorigin ?? (options.integrity ? 'anonymous' : undefined);
      return addScript(url.href, { nonce, integrity: options.integrity, crossorigin });
    },
    global: (name: string): unknown => (window as unknown as Record<string, unknown>)[name],
    defineGlobal(name: string, value: unknown): unknown {
      const globals = window as unknown as Record<string, unknown>;
      return (globals[name] ??= value);
    },
  };
}
