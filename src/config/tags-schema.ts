import * as z from 'zod/mini';

// The tag manager half of the config (contract §7): variables, triggers and attribute tagging.
// Each trigger and each variable is checked on its own (config/load.ts), so one bad entry
// turns off only itself.

const selector = z.string().check(z.minLength(1), z.maxLength(500));
const eventName = z.string().check(z.regex(/^[^\s].{0,99}$/, 'must be 1-100 characters, not starting with a space'));
/** A variable's name: what `{{name}}` reads. Dots are for the built-in names. */
export const variableName = z
  .string()
  .check(z.regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/, 'must be 1-64 letters, digits, _ or -, starting with a letter or _'));
const template = z.string().check(z.maxLength(2000));

/** `default`: the value when the variable reads nothing (undefined, no cookie, no element). */
const withDefault = { default: z.optional(z.unknown()) };

export const variableSchemas = {
  cookie: z.strictObject({ type: z.literal('cookie'), name: z.string().check(z.minLength(1), z.maxLength(200)), ...withDefault }),
  /** An element's attribute, or its trimmed text without `attribute`. */
  dom: z.strictObject({
    type: z.literal('dom'),
    selector,
    attribute: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
    ...withDefault,
  }),
  /** A dot path of the data layer model (GTM's Data Layer Variable, version 2). */
  dataLayer: z.strictObject({ type: z.literal('dataLayer'), path: z.string().check(z.minLength(1), z.maxLength(200)), ...withDefault }),
  /** A query parameter of the page URL, or one part of it. */
  url: z.strictObject({
    type: z.literal('url'),
    param: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
    part: z.optional(z.enum(['href', 'host', 'hostname', 'path', 'query', 'fragment', 'protocol'])),
    ...withDefault,
  }),
  /** GTM's Lookup Table: `input` (a template) looked up in `map`; `default` when absent. */
  lookup: z.strictObject({ type: z.literal('lookup'), input: template, map: z.record(z.string(), z.unknown()), ...withDefault }),
  constant: z.strictObject({ type: z.literal('constant'), value: z.unknown() }),
};

export const variableSchema = z.discriminatedUnion('type', [
  variableSchemas.cookie,
  variableSchemas.dom,
  variableSchemas.dataLayer,
  variableSchemas.url,
  variableSchemas.lookup,
  variableSchemas.constant,
]);

export const conditionSchema = z.strictObject({
  /** A variable's name, built-in (`page.path`) or the config's own, without braces. */
  var: z.string().check(z.minLength(1), z.maxLength(200)),
  op: z.enum(['equals', 'contains', 'prefix', 'suffix', 'regex', 'gt', 'lt']),
  value: z.union([z.string(), z.number(), z.boolean()]),
  not: z.optional(z.boolean()),
});

/** What every trigger has: the event it pushes, its conditions and its properties. */
const common = {
  event: eventName,
  when: z.optional(z.array(conditionSchema)),
  /** Pushed with the event; strings are `{{name}}` templates (a lone `{{name}}` keeps its type). */
  properties: z.optional(z.record(z.string().check(z.minLength(1), z.maxLength(100)), z.unknown())),
};

const percent = z.int().check(z.minimum(1), z.maximum(100));

export const triggerSchemas = {
  click: z.strictObject({ type: z.literal('click'), selector, links: z.optional(z.enum(['all', 'outbound', 'download'])), ...common }),
  submit: z.strictObject({ type: z.literal('submit'), selector, checkValidation: z.optional(z.boolean()), ...common }),
  scroll: z.strictObject({ type: z.literal('scroll'), percent: z.array(percent).check(z.minLength(1)), ...common }),
  visible: z.strictObject({
    type: z.literal('visible'),
    selector,
    minPercent: z.optional(percent),
    minMs: z.optional(z.int().check(z.minimum(0), z.maximum(600_000))),
    once: z.optional(z.enum(['page', 'element', 'every'])),
    ...common,
  }),
  timer: z.strictObject({
    type: z.literal('timer'),
    intervalMs: z.int().check(z.minimum(100), z.maximum(86_400_000)),
    limit: z.optional(z.int().check(z.minimum(1), z.maximum(10_000))),
    ...common,
  }),
};

export const triggerSchema = z.discriminatedUnion('type', [
  triggerSchemas.click,
  triggerSchemas.submit,
  triggerSchemas.scroll,
  triggerSchemas.visible,
  triggerSchemas.timer,
]);

export type VariableConfig = z.infer<typeof variableSchema>;
export type TriggerConfig = z.infer<typeof triggerSchema>;
export type Condition = z.infer<typeof conditionSchema>;
export type TriggerType = TriggerConfig['type'];
