/** acquaint as an ES module: build your own instance with an injected Env. */
export { createAcquaint, type Acquaint, type AcquaintOptions } from './acquaint';
export { browserEnv, type Env } from './env';
export { configSchema, destinationSchema, type Config, type ConsentState, type DestinationConfig } from './config/schema';
export { parseConfig, type LoadedConfig } from './config/load';
export { formatIssues, type ConfigIssue } from './config/report';
export { httpSettingsSchema, type HttpSettings } from './destinations/http-settings';
export type { Adapter, AdapterEnv, AdapterType, SendOptions, SendResult } from './destinations/adapter';
export type { AcquaintEvent, PageContext } from './events/event';
export type { AcquaintEvents, DropReason } from './events/reports';
