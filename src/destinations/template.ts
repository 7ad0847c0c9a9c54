import type { AcquaintEvent } from '../events/event';
import { isPlainObject } from '../lib/is';
import { eventName, valueAt } from '../rules/match';

const WHOLE = /^\{\{\s*([\w.$-]+)\s*\}\}$/;
const PART = /\{\{\s*([\w.$-]+)\s*\}\}/g;

// `event` is the name rules match on; everything else is a dot path into the event.
function lookup(event: AcquaintEvent, path: string): unknown {
  return path === 'event' ? eventName(event) : valueAt(event, path.split('.'));
}

/**
 * Fills a call template from config with values of the event: a string that is exactly
 * `"{{path}}"` becomes that value (an object stays an object), `{{path}}` inside a longer
 * string becomes text. Plain data in, plain data out: nothing is ever evaluated.
 */
export function fillTemplate(template: unknown, event: AcquaintEvent): unknown {
  if (typeof template === 'string') {
    const whole = WHOLE.exec(template);
    if (whole) return lookup(event, whole[1]!);
    return template.replace(PART, (_, path: string) => {
      const value = lookup(event, path);
      if (value === undefined || value === null) return '';
      return typeof value === 'string' ? value : JSON.stringify(value);
    });
  }
  if (Array.isArray(template)) return template.map((item) => fillTemplate(item, event));
  if (isPlainObject(template)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(template)) out[key] = fillTemplate(template[key], event);
    return out;
  }
  return template;
}
