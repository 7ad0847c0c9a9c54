/** A plain object: `{}` or `Object.create(null)`, from this realm or another (iframes). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  // This realm's Object.prototype first: the usual case, without a second lookup.
  return proto === Object.prototype || proto === null || Object.getPrototypeOf(proto) === null;
}

export function isArguments(value: unknown): value is IArguments {
  // `callee` first: every push is asked, and toString costs more than the usual plain object.
  return typeof value === 'object' && value !== null && 'callee' in value && Object.prototype.toString.call(value) === '[object Arguments]';
}

/** Keys that would reach a prototype if followed: never read or written from outside input. */
export function isUnsafeKey(key: string): boolean {
  return key === '__proto__' || key === 'constructor' || key === 'prototype';
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
