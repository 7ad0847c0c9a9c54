import type { BannerConfig } from '../config/schema';
import type { BannerHandle, BannerLayer, BannerOptions, OpenBanner } from '../consent-ui/types';
import type { Consent } from './consent';

export interface BannerEnv {
  loadBanner?(src?: string): Promise<OpenBanner>;
  nonce?: string;
}

/**
 * Opens the optional banner (dist/consent-ui.js, loaded on first use) with the config's texts
 * and the current state; the visitor's choice goes to `consent.update` like any other.
 */
export function createBanner(
  env: BannerEnv,
  consent: Consent,
  fail: (message: string) => void,
  visitor?: Pick<BannerOptions, 'data' | 'forget'>,
) {
  let config: BannerConfig | undefined;
  let gpcLocked = false;
  let handle: BannerHandle | undefined;

  function options(layer: BannerLayer): BannerOptions {
    const state = consent.get();
    const labels = config?.purposes ?? {};
    return {
      texts: config?.texts ?? {},
      ...(config?.lang ? { lang: config.lang } : {}),
      ...(config?.privacyPolicyUrl ? { privacyPolicyUrl: config.privacyPolicyUrl } : {}),
      ...(env.nonce ? { nonce: env.nonce } : {}),
      gpc: gpcLocked,
      layer,
      ...visitor,
      purposes: Object.keys(state).map((id) => ({
        id,
        ...labels[id],
        state: state[id]!,
        locked: id === 'necessary' || (id === 'marketing' && gpcLocked),
      })),
      choose(choices) {
        handle = undefined;
        consent.update(choices, 'banner');
      },
    };
  }

  return {
    configure(banner: BannerConfig | undefined, gpcHonored: boolean): void {
      config = banner;
      gpcLocked = gpcHonored;
    },
    /** Whether the config asks for the banner on load while the visitor has not chosen. */
    get wanted(): boolean {
      return config !== undefined && config.enabled !== false;
    },
    async show(layer: BannerLayer = 'first'): Promise<void> {
      if (!env.loadBanner) return fail('the consent banner cannot load here');
      try {
        const open = await env.loadBanner(config?.src);
        handle?.close();
        handle = open(options(layer));
      } catch (error) {
        fail(`the consent banner did not load: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  };
}

/** A container whose config names no banner: `consent.show()` says so. */
export function noBanner(fail: (message: string) => void): ReturnType<typeof createBanner> {
  return {
    configure: () => undefined,
    wanted: false,
    show: () => Promise.resolve(fail('this build has no consent banner: its config has no consent.banner')),
  };
}
