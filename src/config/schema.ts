import * as z from 'zod/mini';
import { GPP_OPT_OUTS, GPP_US_SECTIONS } from './gpp-fields';
import { triggerSchema, variableName, variableSchema } from './tags-schema';

export { BUILT_IN_PURPOSES } from './purposes';

export const consentStateSchema = z.enum(['granted', 'denied', 'pending']);

const purposeName = z.string().check(z.regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be lowercase letters, digits or _ (at most 40)'));

const defaultsSchema = z.record(purposeName, consentStateSchema);
const optionalText = z.optional(z.string().check(z.maxLength(2000)));

/** The banner's texts (dist/consent-ui.js has English defaults for each). */
export const bannerTextsSchema = z.strictObject({
  title: optionalText,
  body: optionalText,
  acceptAll: optionalText,
  rejectAll: optionalText,
  choose: optionalText,
  save: optionalText,
  back: optionalText,
  gpcNotice: optionalText,
  privacyPolicyLabel: optionalText,
  /** "Your data": its title (and the button to it), its sections, and its actions. */
  yourData: optionalText,
  yourDataBody: optionalText,
  dataIds: optionalText,
  dataVisitorId: optionalText,
  dataUserId: optionalText,
  dataSession: optionalText,
  dataTraits: optionalText,
  dataHashed: optionalText,
  dataAudiences: optionalText,
  dataSent: optionalText,
  dataEvents: optionalText,
  dataNone: optionalText,
  /** The current consent receipt (with a relay) and the link that downloads its chain. */
  dataReceipt: optionalText,
  receiptDownload: optionalText,
  download: optionalText,
  forget: optionalText,
  forgotten: optionalText,
  /** Added to `forgotten` when the relay confirmed it deleted what it held. */
  forgottenRelay: optionalText,
  close: optionalText,
});

export const bannerConfigSchema = z.strictObject({
  /** Show the banner on load while the visitor has not chosen (default true). */
  enabled: z.optional(z.boolean()),
  /** Where dist/consent-ui.js is; default: next to acquaint.js. */
  src: z.optional(z.string().check(z.minLength(1))),
  lang: z.optional(z.string().check(z.regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag like "en" or "de-AT"'))),
  texts: z.optional(bannerTextsSchema),
  purposes: z.optional(z.record(purposeName, z.strictObject({ label: optionalText, description: optionalText }))),
  privacyPolicyUrl: z.optional(z.string().check(z.minLength(1))),
});

/**
 * IAB GPP (US): a purpose is denied while one of its opt-outs is 1 (opted out) in any section
 * read; otherwise it keeps its default. Defaults: every US section, marketing ← all three opt-outs.
 */
export const gppConfigSchema = z.strictObject({
  sections: z.optional(z.array(z.enum(GPP_US_SECTIONS)).check(z.minLength(1))),
  purposes: z.optional(z.record(purposeName, z.array(z.enum(GPP_OPT_OUTS)).check(z.minLength(1)))),
});

export const consentConfigSchema = z.strictObject({
  defaults: z.optional(defaultsSchema),
  /** Defaults by country or country-subdivision code (`"DE"`, `"US-CA"`), for the region the page names. */
  regions: z.optional(
    z.record(z.string().check(z.regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, 'must be a region code like "DE" or "US-CA"')), defaultsSchema),
  ),
  honorGpc: z.optional(z.boolean()),
  /** Changing it asks every visitor again. */
  version: z.optional(z.union([z.string().check(z.maxLength(64)), z.int()])),
  /** Purposes whose grant allows acquaint to store anything (default analytics, personalization). */
  storagePurposes: z.optional(z.array(purposeName)),
  /** Mirror the state to Google tags as Consent Mode v2 calls on the data layer. */
  consentMode: z.optional(z.boolean()),
  /**
   * `"page"`: the page's own signals (Consent Mode, TCF, GPP) are the only source of truth;
   * acquaint keeps no record of the choice and restores none (default `"acquaint"`).
   */
  source: z.optional(z.enum(['acquaint', 'page'])),
  /** A page's Consent Mode `default` of `denied`: `"hold"` (default) holds events as pending until an `update`; `"deny"` discards them. */
  consentModeDefault: z.optional(z.enum(['hold', 'deny'])),
  /** IAB TCF v2.2: acquaint purpose → the TCF purpose ids that must all have consent. */
  tcf: z.optional(z.record(purposeName, z.array(z.int().check(z.minimum(1), z.maximum(24))).check(z.minLength(1)))),
  gpp: z.optional(gppConfigSchema),
  banner: z.optional(bannerConfigSchema),
});

export const identityConfigSchema = z.strictObject({
  sessionTimeoutMinutes: z.optional(z.int().check(z.minimum(1), z.maximum(1440))),
  idTtlDays: z.optional(z.int().check(z.minimum(1), z.maximum(3650))),
  /** Also start a new session at midnight in the visitor's timezone. */
  sessionEndsAtMidnight: z.optional(z.boolean()),
  /** The event history kept on the device for audiences: at most this many events, this old. */
  historyMaxEvents: z.optional(z.int().check(z.minimum(1), z.maximum(5000))),
  historyMaxAgeDays: z.optional(z.int().check(z.minimum(1), z.maximum(395))),
  /** The site's endpoint that keeps the id in a first-party HttpOnly cookie (Safari's 7-day limit). */
  serverIdUrl: z.optional(z.string().check(z.regex(/^\/[^\s]*$/, 'must be a path on this site, like /acquaint/id'))),
  /** Traits sent only as SHA-256 of their trimmed, lowercased value (e.g. "email"). */
  hashTraits: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(100)))),
});

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/**
 * One condition of an audience rule, over the visitor's own history or traits: either
 * `event` (seen at least `minCount` times in the last `withinDays` or `withinMinutes`, or
 * `inSession`, with `where` matching dot paths of its properties) or `trait` (`equals` a value,
 * or `exists`). `negate` inverts. Where several windows are given, the shortest applies.
 */
export const audienceConditionSchema = z.strictObject({
  event: z.optional(z.string().check(z.minLength(1))),
  where: z.optional(z.record(z.string().check(z.minLength(1)), scalar)),
  minCount: z.optional(z.int().check(z.minimum(1), z.maximum(10_000))),
  withinDays: z.optional(z.number().check(z.positive(), z.maximum(3650))),
  withinMinutes: z.optional(z.number().check(z.positive(), z.maximum(525_600))),
  /** Only events of the visitor's current session count. */
  inSession: z.optional(z.boolean()),
  trait: z.optional(z.string().check(z.minLength(1))),
  equals: z.optional(scalar),
  exists: z.optional(z.boolean()),
  negate: z.optional(z.boolean()),
});

/** An on-device audience: member while every condition in `all` holds (and one of `any`, if given). */
export const audienceSchema = z.strictObject({
  id: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -')),
  /** What the visitor is told about this audience ("Your data"): a name and a one-line reason. */
  label: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  description: z.optional(z.string().check(z.minLength(1), z.maxLength(300))),
  all: z.optional(z.array(audienceConditionSchema)),
  any: z.optional(z.array(audienceConditionSchema)),
  /** Membership ends this many days after entering; only events after that count towards entering again. */
  expiresAfterDays: z.optional(z.number().check(z.positive(), z.maximum(3650))),
});

/**
 * Page content for an audience, without JavaScript on the site: elements matching `selector`
 * are shown (`hidden` removed) or hidden while the visitor is a member, or carry `class`.
 */
export const personalizeSchema = z.strictObject({
  audience: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be the id of an audience')),
  selector: z.string().check(z.minLength(1), z.maxLength(500)),
  action: z.enum(['show', 'hide', 'class']),
  /** For `"action": "class"`: the class added while the visitor is a member. */
  class: z.optional(z.string().check(z.regex(/^-?[A-Za-z_][\w-]*$/, 'must be one class name, like "vip"'))),
});

/** How a destination's queue sends, retries and bounds itself; each key optional. */
export const deliveryConfigSchema = z.strictObject({
  flushIntervalMs: z.optional(z.int().check(z.minimum(0), z.maximum(600_000))),
  maxQueueEvents: z.optional(z.int().check(z.minimum(1), z.maximum(100_000))),
  maxQueueBytes: z.optional(z.int().check(z.minimum(1_000), z.maximum(50_000_000))),
  maxAgeHours: z.optional(z.number().check(z.positive(), z.maximum(24 * 365))),
  retryBaseMs: z.optional(z.int().check(z.minimum(1), z.maximum(600_000))),
  maxRetryDelayMs: z.optional(z.int().check(z.minimum(1), z.maximum(86_400_000))),
});

const pattern = z.string().check(z.minLength(1), z.maxLength(200));
const fieldPath = z
  .string()
  .check(
    z.regex(/^(properties|traits|context)(\.[^.\s]+)*$/, 'must be a dot path under properties, traits or context, like "properties.value"'),
  );

/** Event names (`page`, `identify`, or a track event's name); `*` matches any run of characters. */
export const eventRulesSchema = z.union([
  z.array(pattern),
  z.strictObject({ include: z.optional(z.array(pattern)), exclude: z.optional(z.array(pattern)) }),
]);

/** At most `max` events matching `event` per visitor per `session`, `day` (local) or ever (`visitor`). */
export const capSchema = z.strictObject({
  event: pattern,
  max: z.int().check(z.minimum(1), z.maximum(100_000)),
  per: z.enum(['session', 'day', 'visitor']),
});

/**
 * The envelope every destination shares; `settings` is checked by the adapter's own
 * schema (destinations/<type>-settings.ts, listed by cli/config-sources.ts), so one bad destination can be disabled alone.
 */
export const destinationSchema = z.strictObject({
  id: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -')),
  type: z.string().check(z.minLength(1)),
  purposes: z.array(purposeName).check(z.minLength(1, 'list at least one purpose ("necessary" for always-on)')),
  settings: z.optional(z.unknown()),
  delivery: z.optional(deliveryConfigSchema),
  /** Send this destination the visitor's audiences (`context.audiences`) and their changes. */
  audiences: z.optional(z.boolean()),
  /** Which events it receives: a list to include, or `{include, exclude}`. */
  events: z.optional(eventRulesSchema),
  /** Data minimisation: only these paths of properties, traits and context leave; a parent path keeps its subtree. */
  fields: z.optional(z.array(fieldPath)),
  /** Strip emails, phone and card numbers from string values and URLs (default true); `{allow}` exempts paths. */
  redact: z.optional(z.union([z.boolean(), z.strictObject({ allow: z.array(fieldPath) })])),
  /** Paths sent only as the SHA-256 of their normalised value (trimmed, lowercased; phones as digits). */
  hash: z.optional(z.array(fieldPath)),
  /** Frequency caps, counted on the device. */
  caps: z.optional(z.array(capSchema)),
  /** Page paths (or full URLs) on which this destination receives nothing and loads nothing; `*` is a wildcard. */
  block: z.optional(z.array(pattern)),
  /**
   * `browser` (default): the vendor's tag in the page; `server`: no vendor script, its events go to
   * the relay (`relay.url`), which forwards them to the vendor's server API; `both`: the two, deduplicated.
   */
  mode: z.optional(z.enum(['browser', 'server', 'both'])),
});

/** The relay (contract §9): the site's own server that forwards server-mode destinations' events to vendors. */
export const relayConfigSchema = z.strictObject({
  /** Where the page reaches the relay's root: a path on this site (a reverse proxy maps it) or an absolute URL. */
  url: z
    .string()
    .check(z.regex(/^(https?:\/\/[^\s/?#]+|\/(?!\/))[^\s?#]*$/, 'must be a path on this site, like /acquaint, or an http(s) URL')),
  /** The sites allowed to send from a browser (their `Origin`, like "https://shop.example"); CORS is answered for them. */
  origins: z.optional(z.array(z.string().check(z.regex(/^https?:\/\/[^\s/?#]+$/, 'must be an origin like "https://shop.example"')))),
  /** Read the visitor's address from `X-Forwarded-For` (set it only behind a proxy that writes that header). */
  trustProxy: z.optional(z.boolean()),
  /** Requests one address may make per window (default 600 a minute); `false` turns the limit off. */
  rateLimit: z.optional(
    z.union([
      z.literal(false),
      z.strictObject({
        requests: z.int().check(z.minimum(1), z.maximum(1_000_000)),
        windowSeconds: z.optional(z.int().check(z.minimum(1), z.maximum(3600))),
      }),
    ]),
  ),
  /** Days a forwarded event's id is kept, so a page's late retry is not forwarded twice (default 7). */
  retentionDays: z.optional(z.int().check(z.minimum(1), z.maximum(365))),
  /** Days a consent receipt is kept (default 1,095, about three years; at least 365, which the database enforces). */
  receiptRetentionDays: z.optional(z.int().check(z.minimum(365), z.maximum(3650))),
});

export const configSchema = z.strictObject({
  /** The JSON Schema an editor checks this file with (dist/acquaint.schema.json); ignored by the runtime. */
  $schema: z.optional(z.string()),
  version: z.literal(1),
  debug: z.optional(z.boolean()),
  /** A page view on load (default true); `"history"` also on every `pushState`/`popstate` (single-page apps). */
  autoPage: z.optional(z.union([z.boolean(), z.literal('history')])),
  consent: z.optional(consentConfigSchema),
  identity: z.optional(identityConfigSchema),
  delivery: z.optional(deliveryConfigSchema),
  audiences: z.optional(z.array(audienceSchema)),
  /** What each audience sees: elements shown, hidden or given a class while the visitor is a member. */
  personalize: z.optional(z.array(personalizeSchema)),
  destinations: z.optional(z.array(destinationSchema)),
  /** The config's own variables, read as `{{name}}` by triggers (contract §7). */
  variables: z.optional(z.record(variableName, variableSchema)),
  /** `data-acquaint-event` on an element (a form: on submit) pushes that event, with its `data-acquaint-*` as properties. */
  tagging: z.optional(z.boolean()),
  /** Clicks, submits, scroll depth, visibility and timers that push events (contract §7). */
  triggers: z.optional(z.array(triggerSchema)),
  /** First-party server-side tagging (contract §9): where the relay is, and who may send to it. */
  relay: z.optional(relayConfigSchema),
});

export type Config = z.infer<typeof configSchema>;
export type ConsentConfig = z.infer<typeof consentConfigSchema>;
export type BannerConfig = z.infer<typeof bannerConfigSchema>;
export type BannerTexts = z.infer<typeof bannerTextsSchema>;
export type DestinationConfig = z.infer<typeof destinationSchema>;
export type RelayConfig = z.infer<typeof relayConfigSchema>;
export type DestinationMode = NonNullable<DestinationConfig['mode']>;
export type Audience = z.infer<typeof audienceSchema>;
export type Personalize = z.infer<typeof personalizeSchema>;
export type AudienceCondition = z.infer<typeof audienceConditionSchema>;
export type DeliveryConfig = z.infer<typeof deliveryConfigSchema>;
export type Cap = z.infer<typeof capSchema>;
export type EventRules = z.infer<typeof eventRulesSchema>;
export type ConsentState = z.infer<typeof consentStateSchema>;
/** Purpose → state: what the consent box decides by and what gates stamp on events. */
export type ConsentChoices = Record<string, ConsentState>;
