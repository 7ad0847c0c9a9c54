/** The subset of Web Crypto needed for ids (in every context, secure or not). */
export interface CryptoLike {
  getRandomValues(array: Uint8Array): Uint8Array;
}

// Each getRandomValues call costs microseconds in Chromium (as does randomUUID, which exists
// only in secure contexts): random bytes are drawn for 256 ids at a time, from the same source.
const POOL = 4096;
const HEX = Array.from({ length: 256 }, (_, byte) => (byte + 0x100).toString(16).slice(1));

/** v4 UUIDs from `crypto.getRandomValues`. */
export function uuidFrom(crypto: CryptoLike): () => string {
  const pool = new Uint8Array(POOL);
  let at = POOL;
  return () => {
    if (at === POOL) {
      crypto.getRandomValues(pool);
      at = 0;
    }
    const b = pool;
    const i = at;
    at += 16;
    const h = (n: number): string => HEX[b[i + n]!]!;
    const version = HEX[(b[i + 6]! & 0x0f) | 0x40]!;
    const variant = HEX[(b[i + 8]! & 0x3f) | 0x80]!;
    return `${h(0)}${h(1)}${h(2)}${h(3)}-${h(4)}${h(5)}-${version}${h(7)}-${variant}${h(9)}-${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}`;
  };
}
