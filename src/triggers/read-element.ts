// What `click.*`, `element.*` and `form.*` read from the page (contract §7).
import { linkOf } from './dom';
import { typed } from './tagging';

const TEXT_LIMIT = 100;

/** An element's text, whitespace collapsed and trimmed. */
export const collapsedText = (element: Element): string => (element.textContent ?? '').replace(/\s+/g, ' ').trim();

/** Visible text capped: a label, not the page. */
const textOf = (element: Element): string => collapsedText(element).slice(0, TEXT_LIMIT);

/**
 * `click.<name>` / `element.<name>`. `attr.<name>` reads an attribute typed as attribute
 * tagging types it (`"4.5"` → 4.5, `"true"` → true, `"007"` stays text); undefined when absent.
 */
export function readElement(element: Element, name: string, base: string): unknown {
  if (name.startsWith('attr.')) {
    const value = element.getAttribute(name.slice(5));
    return value === null ? undefined : typed(value);
  }
  switch (name) {
    case 'text':
      return textOf(element);
    case 'id':
      return element.id;
    case 'classes':
      // SVG elements' className is an SVGAnimatedString: the attribute is the same for all.
      return element.getAttribute('class') ?? '';
    case 'tag':
      return element.tagName.toLowerCase();
    case 'url': {
      const href = linkOf(element)?.getAttribute('href');
      return href ? absolute(href, base) : '';
    }
    case 'target':
      return linkOf(element)?.getAttribute('target') ?? '';
    default:
      return undefined;
  }
}

function absolute(url: string, base: string): string {
  try {
    return new URL(url, base).href;
  } catch {
    return url;
  }
}

type Field = Element & {
  type?: string;
  value?: string;
  checked?: boolean;
  selectedOptions?: ArrayLike<{ value: string }>;
  multiple?: boolean;
};

// Never read: secrets, hidden values the visitor did not type, and payment card fields.
const secret = (field: Field): boolean =>
  field.type === 'password' || field.type === 'hidden' || (field.getAttribute('autocomplete') ?? '').trim().toLowerCase().startsWith('cc-');

/** One form field's value: checkboxes as booleans, several checked as an array; never secret fields. */
function fieldValue(form: HTMLFormElement, name: string): unknown {
  const named = form.elements.namedItem(name) as (Field & ArrayLike<Field>) | null;
  if (!named) return undefined;
  const fields = (
    typeof named.length === 'number' && !('tagName' in named && named.tagName === 'SELECT') ? Array.from(named) : [named]
  ).filter((f) => !secret(f));
  if (!fields.length) return undefined;
  const [first] = fields;
  if (fields.length === 1 && first!.type === 'checkbox') return first!.checked === true;
  if (first!.type === 'radio' || first!.type === 'checkbox') {
    const checked = fields.filter((f) => f.checked).map((f) => f.value);
    return first!.type === 'radio' ? checked[0] : checked;
  }
  if (first!.multiple && first!.selectedOptions) return Array.from(first!.selectedOptions, (option) => option.value);
  return first!.value;
}

/** `form.<name>`: read through attributes, since a field named "id" or "action" shadows the form's own property. */
export function readForm(form: HTMLFormElement, name: string, base: string): unknown {
  if (name.startsWith('field.')) return fieldValue(form, name.slice(6));
  if (name === 'action') return absolute(form.getAttribute('action') ?? '', base);
  if (name === 'id' || name === 'name') return form.getAttribute(name) ?? '';
  return undefined;
}
