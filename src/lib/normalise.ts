const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Already a SHA-256 (lowercase hex): hashing it again would make it useless for matching. */
export const isSha256Hex = (value: unknown): value is string => typeof value === 'string' && SHA256_HEX.test(value);

const PHONE_LIKE = /^\+?[\d ().-]{7,}$/;

/** As ad platforms expect before hashing: trimmed, lowercased; a phone number as its digits. */
export function normaliseForHash(value: unknown): string {
  const text = String(value).trim().toLowerCase();
  return PHONE_LIKE.test(text) ? text.replace(/\D/g, '') : text;
}
