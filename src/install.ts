import { createAcquaint, type Acquaint } from './acquaint';
import { configAtRuntime, inlineTriggers } from './config/build-features';
import type { LoadedConfig } from './config/load';
import { browserEnv } from './env';
import type { LoadedTriggers } from './triggers/announce';
import { startTriggers } from './triggers/start';

// The script tag's side: finds its <script>, reads the config (or takes the one compiled in),
// adopts window.dataLayer and installs window.acquaint. The only module (with env.ts) that
// touches browser globals.

type Installed = Acquaint & { readonly version: string };
declare const __VERSION__: string;
declare global {
  interface Window {
    acquaint?: Installed;
    dataLayer?: unknown;
  }
}

/** The config: `data-config` URL on our tag, else the inline `#acquaint-config` JSON. */
function configSource(script: HTMLScriptElement | null): Promise<unknown> {
  const url = script?.getAttribute('data-config');
  if (url) {
    return window.fetch(url, { credentials: 'same-origin' }).then((response) => {
      if (!response.ok) throw new Error(`could not load ${url}: HTTP ${response.status}`);
      return response.json().catch(() => Promise.reject(new Error(`${url} is not valid JSON`)));
    });
  }
  const inline = document.getElementById('acquaint-config');
  if (!inline) {
    return Promise.reject(
      new Error(
        'no config: add data-config="/tags.json" to the acquaint <script> tag or a <script type="application/json" id="acquaint-config">',
      ),
    );
  }
  try {
    return Promise.resolve(JSON.parse(inline.textContent ?? '') as unknown);
  } catch (error) {
    return Promise.reject(new Error(`#acquaint-config is not valid JSON (${String(error)})`));
  }
}

/** Triggers compiled into a container: started in this file, with this page's window and document. */
const localTriggers: LoadedTriggers = (config, host) => startTriggers(config, host, { window, document });

/**
 * Installs window.acquaint on this page. `compiled`: the config a container build checked and
 * compiled in; without it the config is read from the page.
 */
export function install(compiled?: LoadedConfig): void {
  if (window.acquaint) {
    window.console.warn('acquaint: loaded twice on this page; keeping the first');
    return;
  }
  const current = document.currentScript;
  const script = current instanceof HTMLScriptElement ? current : document.querySelector<HTMLScriptElement>('script[data-config]');
  let dataLayer = window.dataLayer;
  if (!Array.isArray(dataLayer)) {
    if (dataLayer !== undefined) window.console.error('acquaint: window.dataLayer is not an array; replacing it with one');
    dataLayer = window.dataLayer = [];
  }
  const env = browserEnv(script);
  if (inlineTriggers) env.loadTriggers = () => Promise.resolve(localTriggers);
  const config = configAtRuntime ? configSource(script) : compiled;
  const acquaint = createAcquaint({ config, dataLayer: dataLayer as unknown[], env });
  window.acquaint = Object.freeze({ ...acquaint, version: __VERSION__ });
}
