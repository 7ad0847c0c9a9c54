/** acquaint as an ES module: build your own instance with an injected Env. */
export { createAcquaint, type Acquaint, type AcquaintOptions } from './acquaint';
export { browserEnv, type Env } from './env';
export { configSchema, destinationSchema, type Config, type ConsentState, type DestinationConfig } from './config/schema';
export { parseConfig, type LoadedConfig } from './config/load';
export { formatIssues, type ConfigIssue } from './config/report';
export { httpSettingsSchema, type HttpSettings } from './destinations/http-settings';
export { ga4SettingsSchema, type Ga4Settings } from './destinations/ga4-settings';
export { metaPixelSettingsSchema, type MetaPixelSettings } from './destinations/meta-pixel-settings';
export { scriptSettingsSchema, type ScriptSettings } from './destinations/script-settings';
export { ga4Destination } from './destinations/ga4';
export { metaPixelDestination } from './destinations/meta-pixel';
export { scriptDestination } from './destinations/script';
export type { TracedEvent, TraceStep, TraceStatus } from './events/trace';
export type { Adapter, AdapterEnv, AdapterType, SendOptions, SendResult } from './destinations/adapter';
export type { AcquaintEvent, PageContext } from './events/event';
export type { AcquaintEvents, DropReason } from './events/reports';
