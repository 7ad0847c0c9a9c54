import * as z from 'zod/mini';

// Shared pieces of the vendor-tag settings schemas (script, ga4, meta-pixel). Like every
// settings schema they stay out of the page script: it checks their generated JSON Schema.

/** DESIGN "bad input": vendor code comes from https or from this site, never http or `//host`. */
export const vendorSrc = z
  .string()
  .check(z.regex(/^(https:\/\/[^\s/?#]+|\/(?!\/))[^\s]*$/, 'must be an https URL or a path on this site, like /vendor/tag.js'));

/** Subresource Integrity: the browser refuses the script if its hash differs. */
export const integrity = z
  .string()
  .check(
    z.regex(/^sha(256|384|512)-[A-Za-z0-9+/]+={0,2}( +sha(256|384|512)-[A-Za-z0-9+/]+={0,2})*$/, 'must be an SRI hash like "sha384-…"'),
  );

export const crossorigin = z.enum(['anonymous', 'use-credentials']);

/** acquaint event name → the vendor's event name. */
export const eventNames = z.record(z.string().check(z.minLength(1)), z.string().check(z.minLength(1), z.maxLength(100)));
