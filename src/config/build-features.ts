// Which optional parts this build carries. The ES module and the generic dist/acquaint.js carry
// them all (dist/acquaint.js loads the rarest as files of their own: rollup.config.mjs sets those
// flags) and read their config in the page. A container build (`acquaint build tags.json`, src/cli/container.ts)
// puts in place of this module the flags its config needs (config/features.ts), and rollup
// drops the code behind every false one: whatever the config does not name is not in the file.

/** The config is fetched and checked in the page; false: compiled in, checked at build time. */
export const configAtRuntime = true;
/**
 * Debug mode's trace is in this file; false: acquaint-debug.js is loaded when debug mode turns on
 * (as dist/acquaint.js and a container whose config does not set `debug` do).
 */
export const debugTrace = true;
/** Following an IAB TCF v2.2 CMP (`consent.tcf`). */
export const tcf = true;
/** Following an IAB GPP CMP (`consent.gpp`). */
export const gpp = true;
/** Mirroring the state to Google tags as Consent Mode calls (`consent.consentMode`). */
export const consentMode = true;
/** acquaint's own record of the visitor's choice (every config but `consent.source: "page"`). */
export const consentRecord = true;
/** The consent banner (`consent.banner`), loaded from consent-ui.js when shown. */
export const banner = true;
/** On-device audiences (`audiences`) and what they change on the page (`personalize`). */
export const audiences = true;
/** Page content shown, hidden or classed by audience (`personalize`). */
export const personalize = true;
/** The audience rules and `personalize` are in this file rather than loaded as acquaint-audiences.js. */
export const inlineAudiences = true;
/** Frequency caps (a destination's `caps`). */
export const caps = true;
/** What a page going away had not seen written (audience history, cap counts, the banner's delivery log) noted for the next page. */
export const unsavedNotes = true;
/** PII redaction (every destination's default; off only with `redact: false` everywhere). */
export const redact = true;
/** SHA-256 of named fields (`hash`, `identity.hashTraits`, Meta's advanced matching). */
export const hashing = true;
/** Field allow-lists (a destination's `fields`). */
export const fieldLists = true;
/** Consent receipts, the relay's id cookie and forget at the relay (`relay`, contract §10). */
export const proof = true;
/** Those are in this file rather than loaded as acquaint-proof.js. */
export const inlineProof = true;
/** The server-set id cookie (`identity.serverIdUrl`, or the relay's on this page's origin). */
export const serverId = true;
/** A Meta relay half (`mode: "server"` or `"both"`): the visitor's matching traits go with each of its events. */
export const contextTraits = true;
/** The `http` destination type. */
export const httpType = true;
/** Destinations of a type that is not here yet: a built-in vendor file, or one the site registers. */
export const lateTypes = true;
/** Triggers, variables and attribute tagging (`triggers`, `tagging`). */
export const triggers = true;
/** Trigger types, each its own watcher: clicks and submits also serve attribute tagging. */
export const clickTriggers = true;
export const submitTriggers = true;
export const scrollTriggers = true;
export const visibleTriggers = true;
export const timerTriggers = true;
/** Triggers, variables and attribute tagging are in this file rather than loaded as acquaint-triggers.js. */
export const inlineTriggers = false;
