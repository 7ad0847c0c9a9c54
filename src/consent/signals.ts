import * as features from '../config/build-features';
import type { ConsentConfig } from '../config/schema';
import { gtagArguments } from '../datalayer/commands';
import type { Platform } from '../lib/platform';
import type { createBanner } from './banner';
import type { Consent } from './consent';
import { fromConsentMode, toConsentMode } from './gcm';
import { createGppFollower } from './gpp';
import { followTcf } from './tcf';

/**
 * Consent signals around the state: Consent Mode calls mirrored to Google tags on the data
 * layer, an IAB TCF or GPP CMP followed, the banner shown while the visitor has not chosen.
 */
export function createConsentSignals(
  env: Platform,
  consent: Consent,
  banner: ReturnType<typeof createBanner>,
  dataLayer: unknown[],
  fail: (code: string, message: string) => void,
) {
  // Consent Mode calls acquaint sends; its own command handler skips them.
  const own = new WeakSet<object>();
  let mirroring = false;
  let pageSetDefault = false;

  function mirror(mode: 'default' | 'update'): void {
    const command = gtagArguments('consent', mode, toConsentMode(consent.get()));
    own.add(command);
    dataLayer.push(command);
  }

  return {
    isOwn: (command: object): boolean => own.has(command),
    /** Whether an IAB TCF or GPP CMP on the page will speak for the visitor. */
    followsCmp: (config: ConsentConfig | undefined): boolean =>
      Boolean((features.tcf && config?.tcf && env.tcfapi?.()) || (features.gpp && config?.gpp && env.gppapi?.())),
    /** The page's own `gtag('consent', 'default' | 'update', {...})`, onto the purposes. */
    fromPage(mode: 'default' | 'update', params: Record<string, unknown>): void {
      if (mode === 'default') pageSetDefault = true;
      const choices = fromConsentMode(params);
      if (mode === 'default') consent.setDefaults(choices);
      else consent.update(choices, 'consent-mode');
    },
    changed(): void {
      if (mirroring) mirror('update');
    },
    configure(config: ConsentConfig | undefined): void {
      banner.configure(config?.banner, env.gpc && config?.honorGpc !== false);
      if (features.consentMode && config?.consentMode) {
        mirroring = true;
        mirror(pageSetDefault ? 'update' : 'default');
      }
      // A certified CMP on the page speaks for the visitor; the banner then stays away.
      const tcf = features.tcf && config?.tcf;
      const gpp =
        features.gpp && config?.gpp ? createGppFollower(config.gpp, consent, (message) => fail('gpp_failed', message)) : undefined;
      const follow = (): boolean => {
        const tcfApi = tcf && env.tcfapi?.();
        const gppApi = gpp && env.gppapi?.();
        if (tcfApi) followTcf(tcfApi, tcf, consent.follow, (message) => fail('tcf_failed', message));
        if (gpp && gppApi) gpp.follow(gppApi);
        return Boolean(tcfApi || gppApi);
      };
      const showBanner = (): void => void (banner.wanted && !consent.hasChosen() && banner.show());
      if (follow()) return;
      if (!(tcf || gpp) || !env.onLoad) return showBanner();
      // A config that names a CMP expects one: one loaded after acquaint is looked for again once
      // the page has loaded, and only without one does the banner show. Until then a GPP opt-out
      // the CMP may have stored is awaited.
      gpp?.hold();
      env.onLoad(() => {
        if (follow()) return;
        gpp?.release();
        showBanner();
      });
    },
  };
}
