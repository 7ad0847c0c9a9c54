import type { createTrace, Trace, TraceConsole, TracedEvent } from './trace';

export type TraceFactory = typeof createTrace;

/**
 * Debug mode's switch: off until the page, the config or `debug(true)` turns it on. The trace
 * itself is given (`createTrace`, in this file) or loaded when first needed (acquaint-debug.js);
 * what happens while it loads is recorded and played to it on arrival, so nothing is missed.
 */
export function createDebugMode(
  target: TraceConsole,
  setDebugLog: (enabled: boolean) => void,
  trace: () => TraceFactory | Promise<TraceFactory>,
) {
  let current: Trace | undefined;
  let enabled = false;
  let loading: Promise<void> | undefined;
  const enable = (): Promise<void> => {
    enabled = true;
    setDebugLog(true);
    if (current) return Promise.resolve();
    if (loading) return loading;
    const made = trace();
    if (typeof made === 'function') {
      current = made(target);
      return Promise.resolve();
    }
    const calls: [keyof Trace, unknown[]][] = [];
    const record =
      (name: keyof Trace) =>
      (...args: unknown[]): void =>
        void calls.push([name, args]);
    current = { from: record('from'), begin: record('begin'), step: record('step'), end: record('end'), events: () => [] };
    loading = made.then(
      (create) => {
        const trace = create(target);
        for (const [name, args] of calls) (trace[name] as (...args: unknown[]) => void)(...args);
        current = trace;
      },
      (error: unknown) => {
        current = undefined;
        loading = undefined;
        target.debug(`acquaint: debug mode has no trace: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
    return loading;
  };
  return {
    trace: (): Trace | undefined => current,
    enable,
    /** `acquaint.debug()`: the record as data; `debug(true)` turns debug mode on from now. */
    report(on?: boolean): { enabled: boolean; events: TracedEvent[] } {
      if (on === true) void enable();
      return { enabled, events: current?.events() ?? [] };
    },
  };
}

export type DebugMode = ReturnType<typeof createDebugMode>;

/** Where the environment cannot load acquaint-debug.js. */
export const noTraceFile = (): Promise<never> => Promise.reject(new Error('acquaint-debug.js cannot load here'));
