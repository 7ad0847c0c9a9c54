import type { AdapterType } from './adapter';
import { httpDestination } from './http';

/** Destination `type` → adapter factory. config/sources.ts lists the same names with their settings schemas; a unit test keeps the two equal. */
export const destinationTypes: Readonly<Record<string, AdapterType<never>>> = {
  http: httpDestination,
};
