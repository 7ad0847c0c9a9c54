import { ga4Api } from './ga4';
import { httpApi } from './http';
import { metaApi } from './meta';
import type { VendorApi } from './types';

/** The vendor server APIs the relay forwards to, by destination type: the only list of them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry takes its own destination's settings
export const VENDOR_APIS: Readonly<Record<string, VendorApi<any>>> = { ga4: ga4Api, 'meta-pixel': metaApi, http: httpApi };
