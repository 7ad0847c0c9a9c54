/** Built into dist/acquaint.js itself. */
export const BUNDLED_TYPES: readonly string[] = ['http'];
/**
 * Built in, but each its own file (dist/acquaint-<type>.js) that registers itself: loaded
 * only when a destination of that type is first allowed, so a page pays only for the tags it uses.
 */
export const CHUNKED_TYPES: readonly string[] = ['script', 'ga4', 'meta-pixel'];
/** Every built-in type name; config/sources.ts lists the same names with their settings schemas. */
export const BUILT_IN_TYPES: readonly string[] = [...BUNDLED_TYPES, ...CHUNKED_TYPES];

/**
 * Paths a built-in type only ever sends hashed (Meta's advanced matching): the rules hash them
 * before redaction could blank them, whatever the destination's own `hash` says.
 */
export const HASHED_BY_TYPE: Readonly<Record<string, readonly string[]>> = { 'meta-pixel': ['traits.email'] };
