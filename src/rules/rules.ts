import * as features from '../config/build-features';
import type { Cap, EventRules } from '../config/schema';
import type { AcquaintEvent, PageContext } from '../events/event';
import type { Caps } from './caps';
import { pickFields } from './fields';
import { hashFields } from './hash-fields';
import { eventName, valueAt, wildcard } from './match';
import { createRedactor } from './redact';

/** A destination's rules, as written in its config entry. */
export interface RulesConfig {
  events?: EventRules;
  fields?: string[];
  redact?: boolean | { allow: string[] };
  hash?: string[];
  caps?: Cap[];
  block?: string[];
}

/** Why a destination did not get an event (the consent gate's reasons aside). */
export type Skip = 'blocked' | 'filtered' | 'capped';

/**
 * What the rules made of an event: sent (maybe changed: `redacted` values, `hashed` paths, or
 * `unhashed` ones left out for want of SubtleCrypto, as on plain http) or skipped.
 */
export type RuleResult = { event: AcquaintEvent; redacted: number; hashed: number; unhashed?: number } | { skip: Skip };

const never = (): boolean => false;

/**
 * One destination's rules, in the order DESIGN.md draws them: block (the page it happened
 * on) · events filter · caps · fields allow-list · hash · redact. Hashing is the only
 * asynchronous step, and only destinations that ask for it pay for it.
 */
export function createRules(destination: string, config: RulesConfig, caps: Caps, sha256: ((text: string) => Promise<string>) | undefined) {
  const { events, fields, redact = true, hash } = config;
  const blockPattern = config.block?.length ? wildcard(config.block) : never;
  const include = Array.isArray(events) ? events : events?.include;
  const included = include ? wildcard(include) : () => true;
  const excluded = !Array.isArray(events) && events?.exclude ? wildcard(events.exclude) : never;
  const capped = features.caps && config.caps?.length ? caps.forDestination(destination, config.caps) : undefined;
  // Named outright in `fields` or `redact.allow`: the site asked for that value as it is.
  const keep = new Set([...(fields ?? []).filter((f) => !f.includes('*')), ...(typeof redact === 'object' ? redact.allow : [])]);

  const redactor = !features.redact || redact === false ? undefined : createRedactor(keep);
  const finish = (event: AcquaintEvent, hashed: number): RuleResult => {
    if (!redactor) return { event, redacted: 0, hashed };
    const { event: clean, count } = redactor(event);
    return { event: clean, redacted: count, hashed };
  };

  /** Nothing is sent, nor loaded, for a page a `block` pattern names (its path, or its URL). */
  const blocks = (page: Pick<PageContext, 'url' | 'path'>): boolean =>
    blockPattern !== never && (blockPattern(page.path) || blockPattern(page.url.split('#')[0]!));

  return {
    blocks,
    apply(event: AcquaintEvent): RuleResult | Promise<RuleResult> {
      if (blocks(event.context.page)) return { skip: 'blocked' };
      const name = eventName(event);
      if (!included(name) || excluded(name)) return { skip: 'filtered' };
      if (capped && !capped(name, event.context.sessionId)) return { skip: 'capped' };
      const minimal = features.fieldLists && fields ? pickFields(event, fields) : event;
      // Hashing is asynchronous (SubtleCrypto): only for events that carry such a field.
      if (!features.hashing || !hash?.some((path) => valueAt(minimal, path.split('.')) != null)) return finish(minimal, 0);
      return hashFields(minimal, hash, sha256).then(({ event: hashed, count }) =>
        sha256 ? finish(hashed, count) : { ...finish(hashed, 0), unhashed: count },
      );
    },
  };
}

export type Rules = ReturnType<typeof createRules>;
