import type { AdapterType } from './adapter';
import { httpDestination } from './http';

/** Destination `type` → adapter type: the one list of adapter names. */
export const destinationTypes: Readonly<Record<string, AdapterType<never>>> = {
  http: httpDestination as AdapterType<never>,
};
