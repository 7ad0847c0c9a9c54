import type { RawTags } from '../config/load';
import type { TriggerHost } from './types';

/** The DOM event by which acquaint-triggers.js hands its start function to the runtime. */
export const TRIGGERS_EVENT = 'acquaint:triggers';

/** startTriggers, bound to the page that loaded the triggers file. */
export type LoadedTriggers = (config: RawTags, host: TriggerHost) => { stop(): void };
