// Types for stand-ins.mjs: local stand-ins for GA4's Measurement Protocol, Meta's Conversions API
// and a plain §6 collector, as the relay's tests and the demo use them.

/** A vendor route of the stand-ins (what faults and the request log name). */
export type Route = 'ga4' | 'ga4-debug' | 'meta' | 'http';

/** One message of GA4's validation server (and one problem of a recorded GA4 hit). */
export interface ValidationMessage {
  fieldPath: string;
  description: string;
  validationCode:
    | 'VALUE_INVALID'
    | 'VALUE_REQUIRED'
    | 'NAME_INVALID'
    | 'NAME_RESERVED'
    | 'VALUE_OUT_OF_BOUNDS'
    | 'EXCEEDED_MAX_ENTITIES'
    | 'NAME_DUPLICATED';
}

/** One GA4 event as it arrived, with the request it came in. */
export interface Ga4Received {
  /** Arrival time (ms). */
  at: number;
  measurementId: string | null;
  clientId: string | null;
  userId: string | null;
  consent: { ad_user_data?: string; ad_personalization?: string } | null;
  timestampMicros: number | string | null;
  userProperties: Record<string, { value: unknown; timestamp_micros?: number | string }> | null;
  /** The event as sent; null for a request that held no event. */
  event: { name: string; params?: Record<string, unknown>; timestamp_micros?: number | string } | null;
  /** What Google would have dropped it for ("<fieldPath>: <description> (<validationCode>)"); empty when valid. */
  problems: string[];
}

/** A Conversions API server event (the keys the stand-in checks; others are refused). */
export interface MetaServerEvent {
  event_name: string;
  event_time: number;
  action_source: string;
  event_id?: string;
  event_source_url?: string;
  user_data: Record<string, string | string[]>;
  custom_data?: Record<string, unknown>;
  opt_out?: boolean;
  [key: string]: unknown;
}

/** One Meta event accepted (200), duplicates included. */
export interface MetaReceived {
  at: number;
  pixelId: string;
  /** e.g. `v21.0`. */
  apiVersion: string;
  testEventCode: string | null;
  event: MetaServerEvent;
}

/** One §6 event the http collector accepted, with its request's headers (lower-case names). */
export interface HttpReceived {
  at: number;
  path: string;
  headers: Record<string, string>;
  event: Record<string, unknown> & { messageId: string; type: string; timestamp: string };
  sentAt: string;
}

export interface Received {
  ga4: Ga4Received[];
  meta: MetaReceived[];
  http: HttpReceived[];
}

/** One request to a vendor route, whatever it was answered. */
export interface RequestRecord {
  at: number;
  route: Route;
  method: string;
  /** Without the query (no secret in it). */
  path: string;
  /** The status sent, `'reset'` for a destroyed socket, 0 while the body is arriving. */
  status: number | 'reset';
  /** Why it was refused (Meta, http) or would be dropped (GA4); empty when fine. */
  problems: string[];
}

/** See stand-ins.mjs: `{}` or nothing ends every fault. */
export interface Fault {
  /** Every vendor request answers 503 (or `status`). */
  down?: boolean;
  /** Every vendor request has its socket destroyed before an answer. */
  reset?: boolean;
  /** The share (0 to 1) of requests that answer 500 (or `status`). */
  failRatio?: number;
  /** The status of faulted answers; alone, every vendor request answers it (e.g. 429). */
  status?: number;
  /** Seed of the generator `failRatio` draws from (default 1). */
  seed?: number;
  /** Seconds, sent as Retry-After with faulted answers. */
  retryAfter?: number;
  /** Only these routes are faulted (default: all). */
  routes?: Route[];
}

export interface StandInsOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The GA4 api_secret to expect: another is a problem on the hit. */
  apiSecret?: string;
  /** The Meta access token to expect: another is a 400 (Graph code 190). */
  accessToken?: string;
  /** The Authorization header the http collector expects: another is a 401. */
  authorization?: string;
  /** The clock (ms), for the age checks and `at`. */
  now?: () => number;
  /** One line on stdout a request. */
  log?: boolean;
}

export interface StandIns {
  /** The base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  port: number;
  /** A ga4 destination's `settings.endpoint` (POST <it>/mp/collect). */
  ga4Endpoint: string;
  /** A meta-pixel destination's `settings.endpoint` (POST <it>/v<n>.0/<pixel>/events). */
  metaEndpoint: string;
  /** An http destination's `settings.url`. */
  httpUrl: string;
  /** Copies of what arrived, one entry per event (the last 10,000 of each). */
  received(): Received;
  /** Every request to a vendor route (the last 10,000). */
  requests(): RequestRecord[];
  /** Empties received() and requests(). */
  clear(): void;
  setFault(fault?: Fault): void;
  close(): Promise<void>;
}

export function startStandIns(options?: StandInsOptions): Promise<StandIns>;

export const GA4_LIMITS: Readonly<{
  events: number;
  params: number;
  userProperties: number;
  nameLength: number;
  paramValueLength: number;
  userPropertyNameLength: number;
  userPropertyValueLength: number;
  userIdLength: number;
  items: number;
  itemCustomParams: number;
  bodyBytes: number;
  maxAgeMs: number;
  futureSkewMs: number;
}>;

export const META_LIMITS: Readonly<{ events: number; maxAgeMs: number; futureSkewMs: number }>;

/** What GA4's validation server would say of one request: its own problems, and each event's. */
export function ga4Problems(request: {
  measurementId?: string | null;
  apiSecret?: string | null;
  body: unknown;
  bytes?: number;
  now?: number;
  expectedApiSecret?: string;
}): { request: ValidationMessage[]; events: ValidationMessage[][] };

/** What Meta would refuse in one Conversions API body ("<path>: <reason>"); empty when accepted. */
export function metaProblems(request: { body: unknown; now?: number }): string[];
