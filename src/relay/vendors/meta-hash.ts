import { createHash } from 'node:crypto';
import { isSha256Hex, normaliseForHash } from '../../lib/normalise';

// `em` and `ph` are normalised the way Meta's Business SDK does it (facebook-nodejs-business-sdk,
// ServerSideUtils.normalizeAndHash), so Meta gets the hashes its own SDK would send:
// test/unit/relay/meta-sdk.test.ts holds the two side by side.

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** Looked for after trimming and lowercasing, as the SDK does: such a value is sent as it is. */
const HASHED = /^[a-f0-9]{64}$/;
/** An address Meta can match: the SDK refuses anything else (email-validator), so it is left out. */
const EMAIL = /^[^\s@]{1,64}@([^\s@.]+\.)+[a-z][a-z0-9-]*[a-z0-9]$/;
/** What the SDK takes out of a phone number: separators, '+' and letters. It keeps dots. */
const PHONE_DROPS = /[-@#<>'",; ()+a-z]/g;

function phone(text: string): string | undefined {
  const kept = text.replace(PHONE_DROPS, '');
  // An international number loses up to two leading zeros ("0044 20…" → 4420…). One is not
  // international when a 0 still leads after that, or when it starts with 1 (the US and
  // Canada) without 10 more digits.
  const bare = kept.replace(/^0{0,2}/, '');
  const international = !bare.startsWith('0') && (bare.startsWith('1') ? /^1\d{10}$/.test(bare) : /^\d{7,}$/.test(bare));
  const number = international ? bare : kept;
  return number.length >= 7 && number.length <= 16 ? number : undefined;
}

/** `em` or `ph` as Meta takes it: normalised, then SHA-256; a value already hashed stays. Null when it is not an email or phone number. */
export function metaHash(field: 'em' | 'ph', value: string): string | null {
  const text = value.trim().toLowerCase();
  if (HASHED.test(text)) return text;
  const normal = field === 'em' ? (text.length <= 254 && EMAIL.test(text) ? text : undefined) : phone(text);
  return normal === undefined ? null : sha256(normal);
}

/**
 * `external_id`: the SDK sends it as given, and Meta asks for the same value from the pixel and
 * the Conversions API. So it is hashed exactly as the pixel adapter hashes it (`normaliseForHash`).
 */
export const metaExternalId = (userId: string): string => (isSha256Hex(userId) ? userId : sha256(normaliseForHash(userId)));
