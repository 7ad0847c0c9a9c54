import { isPlainObject, isUnsafeKey } from '../lib/is';

/** GTM's abstract data model: the merged state of everything pushed. */
export interface Model {
  /** Reads by dot path through own properties only (`'ecommerce.value'`). */
  get(path: string): unknown;
  /** Sets one value at a dot path, as a pushed `{ 'a.b': value }` would. */
  set(path: string, value: unknown): void;
  /** Merges one pushed object. Unsafe keys and cycles are skipped and reported. */
  merge(source: Record<string, unknown>): void;
}

/** Why part of a push was not merged. */
export type SkipReason = 'unsafe_key' | 'cycle' | 'too_deep';

type Container = Record<string, unknown> | unknown[];

// Deep enough for any real payload, shallow enough to never overflow the stack.
const MAX_DEPTH = 64;
const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

/*@__NO_SIDE_EFFECTS__*/
export function createModel(onSkip: (reason: SkipReason, path: string) => void): Model {
  const root: Record<string, unknown> = {};
  // Sources being walked right now (as deep as the push, 64 at most): meeting one again means
  // a cycle. An array costs a push less than a WeakSet.
  const walking: object[] = [];
  const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);

  // DLH's merge table: plain objects recurse, arrays merge index by index, anything else
  // overwrites. Unlike DLH, only own keys are walked and unsafe keys never written. Paths
  // are only made for what is reported, and for the objects walked into.
  function mergeInto(target: Container, source: object, path: string, depth: number): void {
    if (depth > MAX_DEPTH) return onSkip('too_deep', path);
    if (walking.includes(source)) return onSkip('cycle', path);
    walking.push(source);
    try {
      for (const key of Object.keys(source)) {
        if (isUnsafeKey(key)) onSkip('unsafe_key', join(path, key));
        else put(target, key, (source as Record<string, unknown>)[key], path, depth);
      }
    } finally {
      walking.pop();
    }
  }

  /** `parent`: the path of `target`. */
  function put(target: Container, key: string, value: unknown, parent: string, depth: number): void {
    const slot = target as Record<string, unknown>;
    const current = hasOwn(target, key) ? slot[key] : undefined;
    if (Array.isArray(value)) {
      const next = Array.isArray(current) ? current : [];
      mergeInto(next, value, join(parent, key), depth + 1);
      slot[key] = next;
    } else if (isPlainObject(value)) {
      // `_clear: true` (GTM) replaces the object instead of merging into it.
      const next = value._clear !== true && isPlainObject(current) ? current : {};
      mergeInto(next, value, join(parent, key), depth + 1);
      if (value._clear === true) delete next._clear;
      slot[key] = next;
    } else {
      slot[key] = value;
    }
  }

  // `{'a.b': 1}` is `{a: {b: 1}}`: walk or create plain objects down to the last key.
  function assign(path: string, value: unknown): void {
    const keys = path.split('.');
    if (keys.some(isUnsafeKey)) return onSkip('unsafe_key', path);
    let node = root;
    for (const key of keys.slice(0, -1)) {
      const child = hasOwn(node, key) ? node[key] : undefined;
      node = isPlainObject(child) ? child : (node[key] = {});
    }
    put(node, keys[keys.length - 1]!, value, keys.slice(0, -1).join('.'), 1);
  }

  return {
    get(path) {
      let node: unknown = root;
      for (const key of String(path).split('.')) {
        if (node === null || typeof node !== 'object' || !hasOwn(node, key)) return undefined;
        node = (node as Record<string, unknown>)[key];
      }
      return node;
    },
    set(path, value) {
      assign(String(path), value);
    },
    merge(source) {
      if (walking.includes(source)) return onSkip('cycle', '');
      walking.push(source);
      try {
        for (const key of Object.keys(source)) {
          const value = source[key];
          if (key.includes('.')) assign(key, value);
          else if (isUnsafeKey(key)) onSkip('unsafe_key', key);
          else put(root, key, value, '', 0);
        }
      } finally {
        walking.pop();
      }
    },
  };
}
