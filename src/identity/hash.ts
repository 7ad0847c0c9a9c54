import { normaliseForHash } from '../lib/normalise';

/** SHA-256 of a string, as lowercase hex (SubtleCrypto; secure contexts only). */
export type Digest = (text: string) => Promise<string>;

/**
 * The traits with each of `keys` replaced by its SHA-256, for the wire. Without a digest
 * (no SubtleCrypto) those traits are left out rather than sent in the clear.
 */
export async function hashTraits(traits: Record<string, unknown>, keys: readonly string[], digest: Digest | undefined): Promise<Record<string, unknown>> {
  const out = { ...traits };
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(out, key) || out[key] === null || out[key] === undefined) continue;
    if (digest) out[key] = await digest(normaliseForHash(out[key]));
    else delete out[key];
  }
  return out;
}

/**
 * The stage that hashes identify traits on their way out, in order: while one identify is
 * being hashed, the events after it wait, so none overtakes it.
 */
export function createTraitHashing(digest: Digest | undefined, next: (event: { type: string; traits?: Record<string, unknown> }) => void) {
  let keys: readonly string[] = [];
  let busy = false;
  const waiting: { type: string; traits?: Record<string, unknown> }[] = [];

  function drain(): void {
    while (!busy && waiting.length) pass(waiting.shift()!);
  }

  function pass(event: { type: string; traits?: Record<string, unknown> }): void {
    if (busy) return void waiting.push(event);
    if (event.type !== 'identify' || !event.traits || !keys.some((key) => key in event.traits!)) return next(event);
    busy = true;
    void hashTraits(event.traits, keys, digest)
      .then((traits) => void (event.traits = traits), () => void (event.traits = {}))
      .then(() => {
        busy = false;
        next(event);
        drain();
      });
  }

  return {
    configure(hashKeys: readonly string[] | undefined): void {
      keys = hashKeys ?? [];
    },
    pass,
  };
}
