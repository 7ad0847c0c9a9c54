// `acquaint/relay`: first-party server-side tagging (contract §9), for Node (startRelay) and
// for any runtime that speaks Request and Response (createRelay).
export { createRelay, type Relay, type RelayOptions } from './relay';
export { startRelay, type RunningRelay, type ServeOptions } from './server';
export { RelayConfigError } from './config';
export type { Db, DbTarget } from './store/db';
