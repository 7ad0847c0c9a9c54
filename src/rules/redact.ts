import type { AcquaintEvent, PageContext } from '../events/event';
import { isPlainObject } from '../lib/is';

// Built-in detectors. Emails also URL-encoded (`%40`), as they appear in query strings.
// Every run is bounded (RFC 5321 lengths), so a long value costs linear time, not quadratic.
const EMAIL = /[\w.+-]{1,64}(?:@|%40)[\w-]{1,63}(?:\.[\w-]{1,63}){0,8}\.[A-Za-z]{2,24}/g;
// Numbers are matched whole: not when glued to letters or other digits (ids, UUIDs, versions).
// 13-19 digits, single spaces or dashes between: kept only if the Luhn checksum holds.
const CARD = /(?<![\w.-])\d(?:[ -]?\d){12,18}(?![\w-])/g;
// 9-15 digits with a leading + or separators; ISO dates (8 digits) and plain ids stay.
const PHONE = /(?<![\w.-])\+?\(?\d[\d ().-]{7,22}\d(?![\w-])/g;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

const digitsOf = (text: string): string => text.replace(/\D/g, '');

/** `text` with every email, card-like and phone number replaced by `[email]`, `[card]`, `[phone]`. */
export function redactText(text: string): string {
  // Most values hold neither digits nor an @: they cost one scan each.
  const digits = /\d/.test(text);
  if (!digits && !text.includes('@')) return text;
  return text
    .replace(CARD, (match) => (luhn(digitsOf(match)) ? '[card]' : match))
    .replace(EMAIL, '[email]')
    .replace(PHONE, (match) => {
      const count = digitsOf(match).length;
      return count >= 9 && count <= 15 && (match[0] === '+' || /[ ().-]/.test(match)) ? '[phone]' : match;
    });
}

interface Walk {
  /** Exempt paths; undefined when there are none, so no path strings are built. */
  allowed: ReadonlySet<string> | undefined;
  count: number;
  clean: (text: string) => string;
}

// A string value with PII stripped: URL-encoded text is checked decoded and comes back encoded.
function redactString(value: string): string {
  let text = value;
  if (text.includes('%')) {
    try {
      text = decodeURIComponent(text);
    } catch {
      return redactText(value); // not URL-encoded after all: check it as it is
    }
  }
  const redacted = redactText(text);
  if (redacted === text) return value;
  return text === value ? redacted : encodeURI(redacted);
}

// Copy-on-write: untouched subtrees are shared, so a clean event costs no copies.
function redactValue(value: unknown, path: string, walk: Walk): unknown {
  if (typeof value !== 'string' && (typeof value !== 'object' || value === null)) return value; // numbers, booleans
  if (walk.allowed?.has(path)) return value;
  if (typeof value === 'string') {
    const redacted = walk.clean(value);
    if (redacted !== value) walk.count++;
    return redacted;
  }
  if (Array.isArray(value)) {
    const out = value.map((item) => redactValue(item, path, walk));
    return out.some((item, index) => item !== value[index]) ? out : value;
  }
  if (!isPlainObject(value)) return value;
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const next = redactValue(value[key], walk.allowed ? `${path}.${key}` : path, walk);
    if (next !== value[key]) (out ??= { ...value })[key] = next;
  }
  return out ?? value;
}

// Values repeat from event to event (the page URL and title, ids, currencies): remembered
// per destination, up to this many, so the detectors run once per distinct value.
const REMEMBER = 256;

/** A redactor with its own memory of recent values; `allowed` paths keep their values. */
export function createRedactor(allowed: ReadonlySet<string>) {
  const seen = new Map<string, string>();
  const clean = (text: string): string => {
    let out = seen.get(text);
    if (out === undefined) {
      if (seen.size >= REMEMBER) seen.clear();
      seen.set(text, (out = redactString(text)));
    }
    return out;
  };
  const exempt = allowed.size ? allowed : undefined;
  return (event: AcquaintEvent) => redactEvent(event, exempt, clean);
}

/**
 * The event with PII stripped from the string values of its properties, traits, page context
 * and campaign (a `utm_term` may be an email), except at the `allowed` paths; `count` says how
 * many values changed.
 */
export function redactEvent(
  event: AcquaintEvent,
  allowed: ReadonlySet<string> | undefined,
  clean: (text: string) => string = redactString,
): { event: AcquaintEvent; count: number } {
  const walk: Walk = { allowed: allowed?.size ? allowed : undefined, count: 0, clean };
  const properties = redactValue(event.properties, 'properties', walk) as AcquaintEvent['properties'];
  const traits = event.traits && (redactValue(event.traits, 'traits', walk) as AcquaintEvent['traits']);
  const page = redactValue(event.context.page, 'context.page', walk) as PageContext;
  const campaign =
    event.context.campaign && (redactValue(event.context.campaign, 'context.campaign', walk) as AcquaintEvent['context']['campaign']);
  if (!walk.count) return { event, count: 0 };
  const out: AcquaintEvent = { ...event, properties, context: { ...event.context, page } };
  if (campaign) out.context.campaign = campaign;
  if (traits) out.traits = traits;
  return { event: out, count: walk.count };
}
