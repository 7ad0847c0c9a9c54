/** The subset of Web Crypto needed for ids (in every context, secure or not). */
export interface CryptoLike {
  getRandomValues(array: Uint8Array): Uint8Array;
}

// Each getRandomValues call costs microseconds in Chromium (as does randomUUID, which exists
// only in secure contexts): random bytes are drawn for 256 ids at a time, from the same source.
const POOL = 4096;
const DIGITS = Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0));
const DASH = 45;

/**
 * v4 UUIDs from `crypto.getRandomValues`. The text is made from its 36 character codes at
 * once: a string joined from 20 pieces stays a tree of 13 pieces in V8 until something
 * flattens it, about 270 bytes per id kept, and TextDecoder costs microseconds in Chromium.
 */
export function uuidFrom(crypto: CryptoLike): () => string {
  const pool = new Uint8Array(POOL);
  const text: number[] = Array.from({ length: 36 }, () => 0);
  let at = POOL;
  return () => {
    if (at === POOL) {
      crypto.getRandomValues(pool);
      at = 0;
    }
    let out = 0;
    for (let n = 0; n < 16; n++) {
      if (n === 4 || n === 6 || n === 8 || n === 10) text[out++] = DASH;
      let byte = pool[at + n]!;
      if (n === 6)
        byte = (byte & 0x0f) | 0x40; // version 4
      else if (n === 8) byte = (byte & 0x3f) | 0x80; // variant 10
      text[out++] = DIGITS[byte >> 4]!;
      text[out++] = DIGITS[byte & 0x0f]!;
    }
    at += 16;
    return String.fromCharCode.apply(null, text);
  };
}
