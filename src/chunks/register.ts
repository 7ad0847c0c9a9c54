import type { AdapterType } from '../destinations/adapter';

// Entries of dist/acquaint-<type>.js: a built-in tag's file registers itself with the page's
// acquaint, through the same `register` a site's own adapter uses. Browser globals are read
// here, in the entries, as in install.ts.

export function registerOnPage(adapterType: AdapterType<never>): void {
  const acquaint = (window as Window & { acquaint?: { register?(type: AdapterType<never>): void } }).acquaint;
  if (typeof acquaint?.register === 'function') acquaint.register(adapterType);
  else
    window.console.error(
      `acquaint-${adapterType.type}.js: load acquaint.js first; it loads this file itself when a "${adapterType.type}" destination is allowed`,
    );
}
