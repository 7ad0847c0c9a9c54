const PHONE_LIKE = /^\+?[\d ().-]{7,}$/;

/** As ad platforms expect before hashing: trimmed, lowercased; a phone number as its digits. */
export function normaliseForHash(value: unknown): string {
  const text = String(value).trim().toLowerCase();
  return PHONE_LIKE.test(text) ? text.replace(/\D/g, '') : text;
}
