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

/** A vendor server API's base URL (GA4's EU endpoint, or a local stand-in): the relay forwards to nothing else. */
export const endpoint = z
  .string()
  .check(z.regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 'must be an http(s) base URL like https://region1.google-analytics.com'));

/** The name of an environment variable of the relay that holds a secret (never the secret itself). */
export const envName = z.string().check(z.regex(/^[A-Z_][A-Z0-9_]{0,127}$/, 'must be an environment variable name like GA4_API_SECRET'));
