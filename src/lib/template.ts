import { isPlainObject, isUnsafeKey } from './is';

/** `{{ name }}` in a string: a name is anything without spaces or braces (`dl.cart.total`, `page.query.utm_source`). */
export const TEMPLATE = /\{\{\s*([^{}\s]+)\s*\}\}/g;
const LONE_TEMPLATE = /^\{\{\s*([^{}\s]+)\s*\}\}$/;

/** A value as it reads inside a longer string: nothing for null or undefined, JSON for objects. */
export function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value === undefined || value === null ? '' : (JSON.stringify(value) ?? '');
}

/**
 * The one `{{ }}` engine (a script tag's calls, a trigger's properties): a string that is exactly
 * `{{name}}` becomes that value (an object stays an object), `{{name}}` inside a longer string
 * becomes text; strings inside arrays and plain objects too, an undefined value leaves its key out.
 * Plain data in, plain data out: nothing is ever evaluated.
 */
export function fillTemplate(template: unknown, lookup: (name: string) => unknown): unknown {
  if (typeof template === 'string') {
    const lone = LONE_TEMPLATE.exec(template);
    if (lone) return lookup(lone[1]!);
    return template.includes('{{') ? template.replace(TEMPLATE, (_, name: string) => asText(lookup(name))) : template;
  }
  if (Array.isArray(template)) return template.map((item) => fillTemplate(item, lookup));
  if (!isPlainObject(template)) return template;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(template)) {
    const filled = isUnsafeKey(key) ? undefined : fillTemplate(template[key], lookup);
    if (filled !== undefined) out[key] = filled;
  }
  return out;
}
