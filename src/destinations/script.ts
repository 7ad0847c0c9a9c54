import { fillTemplate } from '../lib/template';
import { eventName, valueAt, wildcard } from '../rules/match';
import type { ScriptSettings } from './script-settings';
import { callGlobal, vendorTagType } from './vendor-tag';

/**
 * The `script` destination: any vendor tag, declaratively. After consent it loads `src`
 * (SRI, nonce), makes the `init` calls, then turns each event into the calls of the first
 * `calls` key its name matches, e.g. `"purchase": [["track", "Purchase", "{{properties}}"]]`.
 */
export const scriptDestination = vendorTagType<ScriptSettings>('script', (settings, _id, env) => {
  const routes = Object.entries(settings.calls).map(([pattern, calls]) => ({ matches: wildcard([pattern]), calls }));
  return {
    src: settings.src,
    integrity: settings.integrity,
    crossorigin: settings.crossorigin,
    prepare() {
      if (settings.define === 'array') env.defineGlobal?.(settings.global, []);
    },
    loaded() {
      for (const call of settings.init ?? []) callGlobal(env, settings.global, call);
    },
    deliver(event) {
      const name = eventName(event);
      const route = routes.find((r) => r.matches(name));
      for (const call of route?.calls ?? [])
        callGlobal(
          env,
          settings.global,
          fillTemplate(call, (path) => (path === 'event' ? name : valueAt(event, path.split('.')))) as unknown[],
        );
    },
  };
});
