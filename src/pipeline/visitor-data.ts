import type { LoadedConfig } from '../config/load';
import type { VisitorFacts } from '../consent-ui/types';
import type { DeliveryCounts } from '../delivery/delivery-log';
import { QUEUE_DATABASE, type Persistence } from '../delivery/persistence';
import type { Identity } from '../identity/identity';
import { IDENTITY_DATABASE, type IdentityStore } from '../identity/store';

type Entries = () => Promise<[IDBValidKey, unknown][]>;

export interface VisitorDataDeps {
  identity: Pick<Identity, 'get'>;
  config(): LoadedConfig | undefined;
  audiences: { members(): string[] };
  deliveryLog: { counts(): DeliveryCounts };
  identityStore: Pick<IdentityStore, 'entries'>;
  persistence: Pick<Persistence, 'entries'>;
  proof: { receipt(): VisitorFacts['receipt'] };
}

/** "Your data" in the banner: read when it opens, from what this page and the device hold now. */
export function visitorData(deps: VisitorDataDeps): () => Promise<VisitorFacts> {
  const read = (entries: Entries) => entries().catch(() => []);
  return async () => {
    const loaded = deps.config();
    const receipt = deps.proof.receipt();
    return {
      user: deps.identity.get(),
      hashTraits: loaded?.config.identity?.hashTraits ?? [],
      members: deps.audiences.members(),
      audiences: loaded?.config.audiences ?? [],
      destinations: loaded?.destinations ?? [],
      deliveries: deps.deliveryLog.counts(),
      databases: { [IDENTITY_DATABASE]: await read(deps.identityStore.entries), [QUEUE_DATABASE]: await read(deps.persistence.entries) },
      ...(receipt ? { receipt } : {}),
    };
  };
}
