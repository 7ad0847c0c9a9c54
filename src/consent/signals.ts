import type { ConsentConfig } from '../config/schema';
import { gtagArguments } from '../datalayer/commands';
import type { Env, TcfApi } from '../env';
import type { createBanner } from './banner';
import type { Consent } from './consent';
import { fromConsentMode, toConsentMode } from './gcm';
import { followTcf } from './tcf';

/**
 * Consent signals around the state: Consent Mode calls mirrored to Google tags on the data
 * layer, an IAB TCF CMP followed, the banner shown while the visitor has not chosen.
 */
export function createConsentSignals(env: Env, consent: Consent, banner: ReturnType<typeof createBanner>, dataLayer: unknown[], fail: (code: string, message: string) => void) {
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
    /** Whether an IAB TCF CMP on the page will speak for the visitor. */
    followsCmp: (config: ConsentConfig | undefined): boolean => Boolean(config?.tcf && env.tcfapi?.()),
    /** The page's own `gtag('consent', 'default' | 'update', {...})`, onto the purposes. */
    fromPage(mode: 'default' | 'update', params: Record<string, unknown>): void {
      if (mode === 'default') pageSetDefault = true;
      (mode === 'default' ? consent.setDefaults : consent.update)(fromConsentMode(params));
    },
    changed(): void {
      if (mirroring) mirror('update');
    },
    configure(config: ConsentConfig | undefined): void {
      banner.configure(config?.banner, env.gpc && config?.honorGpc !== false);
      if (config?.consentMode) {
        mirroring = true;
        mirror(pageSetDefault ? 'update' : 'default');
      }
      // A certified CMP on the page speaks for the visitor; the banner then stays away.
      const tcf = config?.tcf;
      const follow = (api: TcfApi): void => followTcf(api, tcf!, consent.follow, (message) => fail('tcf_failed', message));
      const showBanner = (): void => void (banner.wanted && !consent.hasChosen() && banner.show());
      const api = tcf && env.tcfapi?.();
      if (api) return follow(api);
      if (!tcf || !env.onLoad) return showBanner();
      // A config that names TCF expects a CMP: one loaded after acquaint is looked for again once
      // the page has loaded, and only without one does the banner show.
      env.onLoad(() => {
        const late = env.tcfapi?.();
        if (late) follow(late);
        else showBanner();
      });
    },
  };
}
