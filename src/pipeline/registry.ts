import type { AdapterType } from '../destinations/adapter';
import * as features from '../config/build-features';
import { CHUNKED_TYPES } from '../config/destination-types';
import { httpDestination } from '../destinations/http';

/** In dist/acquaint.js itself. */
const BUNDLED: readonly AdapterType[] = features.httpType ? [httpDestination] : [];

const TYPE_NAME = /^[a-z][a-z0-9-]{0,39}$/;

/**
 * Destination `type` → adapter factory: the built-in ones, and those a site adds with
 * `register` (before or after the config loads). `when` waits for a type, loading a
 * chunked built-in's file the first time it is asked for.
 */
export function createRegistry(load: ((type: string) => Promise<void>) | undefined) {
  const types = new Map(BUNDLED.map((t) => [t.type, t]));
  const waiting = new Map<string, ((type: AdapterType) => void)[]>();
  const loading = new Map<string, Promise<void>>();

  return {
    get: (type: string): AdapterType | undefined => types.get(type),
    /** Adds a type; returns what is wrong with it, if anything. */
    register(adapterType: unknown): string | undefined {
      const candidate = adapterType as Partial<AdapterType> | null;
      if (!candidate || typeof candidate !== 'object' || typeof candidate.type !== 'string' || typeof candidate.create !== 'function') {
        return 'register(adapterType): expected { type: string, create(id, purposes, env) }';
      }
      const { type } = candidate;
      if (!TYPE_NAME.test(type)) return `register(adapterType): type "${type}" must be lowercase letters, digits or - (at most 40)`;
      if (types.has(type)) return `register(adapterType): type "${type}" is already registered`;
      types.set(type, candidate as AdapterType);
      for (const resolve of waiting.get(type) ?? []) resolve(candidate as AdapterType);
      waiting.delete(type);
      return undefined;
    },
    when(type: string): Promise<AdapterType> {
      const known = types.get(type);
      if (known) return Promise.resolve(known);
      const arrived = new Promise<AdapterType>((resolve) => waiting.set(type, [...(waiting.get(type) ?? []), resolve]));
      if (!load || !CHUNKED_TYPES.includes(type)) return arrived;
      let file = loading.get(type);
      if (!file) {
        file = load(type);
        loading.set(type, file);
        // A failed load may be retried by a later call (the next page view, say).
        file.catch(() => loading.delete(type));
      }
      return Promise.all([arrived, file]).then(([adapterType]) => adapterType);
    },
  };
}

export type Registry = ReturnType<typeof createRegistry>;
