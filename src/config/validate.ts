import { isPlainObject } from '../lib/is';
import { formatPath, type ConfigIssue } from './report';

/** The subset of JSON Schema that z.toJSONSchema writes for the config (declared in virtual.d.ts). */
export type JsonSchema = AcquaintJsonSchema;

type Path = PropertyKey[];

const typeOf = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
};

const matchesType = (type: string, value: unknown): boolean =>
  type === 'number'
    ? typeof value === 'number' && Number.isFinite(value)
    : type === 'integer'
      ? Number.isSafeInteger(value)
      : typeOf(value) === type;

const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

/**
 * Checks `value` against `schema` and names every problem with its path. Own keys only; a
 * `__proto__` key is just an unknown key. Pure: no throwing, no mutation.
 */
export function validate(schema: JsonSchema, value: unknown, path: Path = []): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const add = (at: Path, message: string, code = 'invalid_value'): void => void issues.push({ code, path: formatPath(at), message });

  if (schema.anyOf) {
    if (!schema.anyOf.some((option) => validate(option, value, path).length === 0)) {
      // One option of the value's own type: its problems say more than "expected a or b".
      const alike = schema.anyOf.filter((option) => typeof option.type === 'string' && matchesType(option.type, value));
      if (alike.length === 1) return validate(alike[0]!, value, path);
      add(
        path,
        `expected ${schema.anyOf.map((o) => (o.type === undefined ? show(o.const) : String(o.type))).join(' or ')}, got ${typeOf(value)}`,
        'invalid_union',
      );
    }
    return issues;
  }
  if (schema.const !== undefined && value !== schema.const) {
    add(path, `expected ${show(schema.const)}, got ${show(value)}`);
    return issues;
  }
  if (schema.enum && !schema.enum.includes(value)) {
    add(path, `expected ${schema.enum.map(show).join(' or ')}, got ${show(value)}`);
    return issues;
  }
  const types = schema.type === undefined ? [] : typeof schema.type === 'string' ? [schema.type] : schema.type;
  if (types.length && !types.some((type) => matchesType(type, value))) {
    add(path, `expected ${types.join(' or ')}, got ${typeOf(value)}`, 'invalid_type');
    return issues;
  }
  const fail = (message: string): void => add(path, schema.message ?? message);
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) fail(`too short: at least ${schema.minLength} character(s)`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength) fail(`too long: at most ${schema.maxLength} character(s)`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) fail('invalid format');
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) fail(`too small: at least ${schema.minimum}`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) fail(`too small: more than ${schema.exclusiveMinimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) fail(`too big: at most ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) fail(`too short: at least ${schema.minItems} item(s)`);
    if (schema.items) value.forEach((item, index) => issues.push(...validate(schema.items!, item, [...path, index])));
  }
  if (isPlainObject(value)) issues.push(...validateObject(schema, value, path));
  return issues;
}

function validateObject(schema: JsonSchema, value: Record<string, unknown>, path: Path): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const properties = schema.properties ?? {};
  const unknown: string[] = [];
  for (const name of schema.required ?? []) {
    if (!Object.prototype.hasOwnProperty.call(value, name)) {
      const expected = properties[name]?.const !== undefined ? show(properties[name].const) : String(properties[name]?.type ?? 'a value');
      issues.push({ code: 'invalid_type', path: formatPath([...path, name]), message: `missing: expected ${expected}` });
    }
  }
  for (const key of Object.keys(value)) {
    const known = Object.prototype.hasOwnProperty.call(properties, key) ? properties[key] : undefined;
    if (known) {
      issues.push(...validate(known, value[key], [...path, key]));
    } else if (schema.additionalProperties === false) {
      unknown.push(key);
    } else {
      if (schema.propertyNames) {
        const keyIssues = validate(schema.propertyNames, key, [...path, key]);
        if (keyIssues.length)
          issues.push(...keyIssues.map((issue) => ({ ...issue, code: 'invalid_key', message: `invalid key "${key}": ${issue.message}` })));
      }
      if (isPlainObject(schema.additionalProperties)) issues.push(...validate(schema.additionalProperties, value[key], [...path, key]));
    }
  }
  if (unknown.length) {
    issues.push({
      code: 'unrecognized_keys',
      path: formatPath(path),
      message: `unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}`,
    });
  }
  return issues;
}
