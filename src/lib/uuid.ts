/** The subset of Web Crypto needed for ids. */
export interface CryptoLike {
  randomUUID?: () => string;
  getRandomValues(array: Uint8Array): Uint8Array;
}

/**
 * crypto.randomUUID exists only in secure contexts (https, localhost), so a site served
 * over plain http on a LAN address falls back to a v4 UUID from getRandomValues.
 */
export function uuidFrom(crypto: CryptoLike): () => string {
  if (typeof crypto.randomUUID === 'function') return () => crypto.randomUUID!();
  return () => {
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6]! & 0x0f) | 0x40;
    b[8] = (b[8]! & 0x3f) | 0x80;
    let hex = '';
    for (const byte of b) hex += (byte + 0x100).toString(16).slice(1);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
}
