import type { TriggerType } from '../config/tags-schema';
import { TEMPLATE } from '../lib/template';

/** Every `{{name}}` in a property value (strings inside objects and arrays too). */
export function namesIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') for (const match of value.matchAll(TEMPLATE)) out.push(match[1]!);
  else if (Array.isArray(value)) for (const item of value) namesIn(item, out);
  else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) namesIn(item, out);
  return out;
}

const ELEMENT = ['text', 'id', 'classes', 'url', 'target', 'tag'];
/** The built-in roots: their fixed names, and the prefix whose rest is free (`page.query.<key>`). */
const BUILT_IN: Record<string, { names: string[]; open?: string }> = {
  page: { names: ['url', 'path', 'host', 'referrer', 'title'], open: 'query.' },
  click: { names: ELEMENT, open: 'attr.' },
  element: { names: ELEMENT, open: 'attr.' },
  form: { names: ['id', 'name', 'action'], open: 'field.' },
  scroll: { names: ['percent'] },
  timer: { names: ['count'] },
  dl: { names: [], open: '' },
  cookie: { names: [], open: '' },
};

/** Which trigger type sets the names under each root that only a firing trigger knows. */
export const SCOPED_BY: Partial<Record<string, TriggerType>> = {
  click: 'click',
  form: 'submit',
  element: 'visible',
  scroll: 'scroll',
  timer: 'timer',
};

/** The root (`click`, `page`, …) of a valid built-in name, or undefined. */
export function builtInRoot(name: string): string | undefined {
  const dot = name.indexOf('.');
  if (dot < 0) return undefined;
  const root = name.slice(0, dot);
  const rest = name.slice(dot + 1);
  const spec = Object.prototype.hasOwnProperty.call(BUILT_IN, root) ? BUILT_IN[root]! : undefined;
  if (!spec) return undefined;
  if (spec.names.includes(rest)) return root;
  return spec.open !== undefined && rest.startsWith(spec.open) && rest.length > spec.open.length ? root : undefined;
}

/** Every fixed built-in name, for did-you-mean hints. (Pure: a container without triggers drops it.) */
export const FIXED_NAMES: readonly string[] = /*#__PURE__*/ Object.entries(BUILT_IN).flatMap(([root, { names, open }]) => [
  ...names.map((name) => `${root}.${name}`),
  ...(open ? [`${root}.${open}<name>`] : []),
]);
