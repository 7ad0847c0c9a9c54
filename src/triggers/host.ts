import type { RawTags } from '../config/load';
import type { ConfigIssue } from '../config/report';
import type { LoadedTriggers } from './announce';

export interface TriggerHostDeps {
  loadTriggers?: () => Promise<LoadedTriggers>;
  dataLayer: unknown[];
  get(path: string): unknown;
  report(issues: ConfigIssue[]): void;
  debug(message: string): void;
  fail(code: string, message: string): void;
}

/** Whether a config has triggers to run: variables alone fire nothing; a `triggers` that is not a list loads the file to be reported. */
export const wantsTriggers = (tags: RawTags | undefined): tags is RawTags =>
  tags !== undefined &&
  (tags.tagging === true || (tags.triggers !== undefined && !(Array.isArray(tags.triggers) && tags.triggers.length === 0)));

/**
 * The runtime's side of triggers: loads acquaint-triggers.js for a config that has them, hands
 * it the data layer, and remembers which trigger pushed which message (for debug mode).
 */
export function createTriggerHost({ loadTriggers, dataLayer, get, report, debug, fail }: TriggerHostDeps) {
  const pushedBy = new WeakMap<object, string>();
  const navigation: (() => void)[] = [];
  return {
    /** The trigger that pushed this data-layer message, if one did. */
    originOf: (message: object): string | undefined => pushedBy.get(message),
    /** A single-page navigation: scroll depth and `visible` start again. */
    navigated: (): void => navigation.forEach((listener) => listener()),
    start(tags: RawTags): void {
      loadTriggers?.().then(
        (startTriggers) =>
          startTriggers(tags, {
            push(message, origin) {
              pushedBy.set(message, origin);
              dataLayer.push(message);
            },
            get,
            onNavigate: (listener) => void navigation.push(listener),
            report,
            debug,
          }),
        (error: unknown) =>
          fail('triggers_load_failed', `acquaint-triggers.js: ${error instanceof Error ? error.message : String(error)}; no trigger runs`),
      );
    },
  };
}

const nothing = (): undefined => undefined;
/** A container whose config has no triggers (config/build-features.ts). */
export const NO_TRIGGERS: ReturnType<typeof createTriggerHost> = { originOf: nothing, navigated: nothing, start: nothing };
