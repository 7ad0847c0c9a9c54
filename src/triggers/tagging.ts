// Attribute tagging (contract §7): `data-acquaint-event="name"` plus the element's other
// `data-acquaint-*` attributes as typed properties, so a site can add events in its markup.

const PREFIX = 'data-acquaint-';
// `event` is the name itself; the other three could reach Object.prototype further down the pipeline.
const SKIPPED = new Set(['event', '__proto__', 'constructor', 'prototype']);
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

/** An attribute's value typed: `true`/`false`, a canonical decimal number, or the string as is. */
export function typed(value: string): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (!NUMBER.test(value)) return value;
  const number = Number(value);
  // An id of 20 digits would lose its last ones as a number: it stays text.
  if (!Number.isFinite(number) || (!value.includes('.') && !Number.isSafeInteger(number))) return value;
  return number;
}

/** The message `{ event, ...properties }` an element's `data-acquaint-*` attributes describe, or undefined without an event name. */
export function taggedMessage(element: Element): Record<string, unknown> | undefined {
  const name = element.getAttribute(`${PREFIX}event`)?.trim();
  if (!name) return undefined;
  const message: Record<string, unknown> = { event: name };
  // element.attributes works for SVG elements too, unlike dataset.
  for (const attribute of Array.from(element.attributes)) {
    const attributeName = attribute.name.toLowerCase();
    if (!attributeName.startsWith(PREFIX)) continue;
    const key = attributeName.slice(PREFIX.length).replace(/-/g, '_');
    if (key === '' || SKIPPED.has(key)) continue;
    message[key] = typed(attribute.value);
  }
  return message;
}
