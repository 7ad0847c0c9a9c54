import { relayRoute } from '../config/relay-routes';
import type { BannerConfig, RelayConfig } from '../config/schema';
import { createReceipts, type ReceiptsEnv } from './receipts';
import { deleteAtRelay, type ForgetIds, type RelayForgot } from './relay-id';

export interface ProofOptions {
  env: ReceiptsEnv;
  relay: Pick<RelayConfig, 'url'>;
  /** The config's consent version and banner (its texts are hashed into a banner choice's receipt). */
  version?: string | number;
  banner?: BannerConfig;
  /** Whether this page keeps the id cookie at the relay (`<relay.url>/v1/id` is on its origin). */
  idCookie: boolean;
  fail(code: string, message: string): void;
}

/** SHA-256 of the banner texts a visitor is shown: the config's `texts` and purpose labels, as JSON. */
export const bannerTextsJson = (banner: BannerConfig): string =>
  JSON.stringify({ texts: banner.texts ?? {}, purposes: banner.purposes ?? {} });

/**
 * Proof and control through the relay (contract §10): consent receipts, the id cookie expired
 * when storage is withdrawn, and forget reaching the relay.
 */
export async function createProof(options: ProofOptions, sha256?: (text: string) => Promise<string>) {
  const { env, relay, banner } = options;
  const textsHash = banner && sha256 ? await sha256(bannerTextsJson(banner)).catch(() => undefined) : undefined;
  const receipts = createReceipts(env, {
    url: relayRoute(relay, '/v1/consent'),
    ...(options.version !== undefined ? { version: options.version } : {}),
    ...(textsHash ? { textsHash } : {}),
    refused: (message) => options.fail('receipt_refused', message),
  });
  const idUrl = relayRoute(relay, '/v1/id');
  return {
    decided: receipts.decided,
    /** The current receipt and where its chain is (for "Your data"). */
    receipt(): { id: string; chainUrl: string } | undefined {
      const id = receipts.current();
      return id ? { id, chainUrl: relayRoute(relay, `/v1/consent/${id}`) } : undefined;
    },
    /** Storage withdrawn: the relay expires the id cookie (the events it holds stay: they were allowed). */
    withdrawn(): void {
      if (options.idCookie) void deleteAtRelay(env, idUrl);
    },
    /** forget(): the relay deletes what it holds for these ids and has not forwarded, and expires the cookie. */
    forget(ids: ForgetIds): Promise<RelayForgot> {
      receipts.unlink();
      return deleteAtRelay(env, idUrl, ids);
    },
  };
}

export type Proof = Awaited<ReturnType<typeof createProof>>;
