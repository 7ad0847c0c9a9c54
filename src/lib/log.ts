/** Console output: errors always, each warning once, debug lines only with `config.debug`. */
export interface Log {
  error(message: string): void;
  warnOnce(message: string): void;
  debug(message: string, detail?: unknown): void;
  setDebug(enabled: boolean): void;
}

export interface ConsoleLike {
  error(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  debug(...args: unknown[]): void;
}

/*@__NO_SIDE_EFFECTS__*/
export function createLog(target: ConsoleLike): Log {
  let debugEnabled = false;
  const warned = new Set<string>();
  return {
    error: (message) => target.error(message),
    warnOnce(message) {
      if (warned.has(message)) return;
      warned.add(message);
      target.warn(message);
    },
    debug(message, detail) {
      if (!debugEnabled) return;
      if (detail === undefined) target.debug(`acquaint: ${message}`);
      else target.debug(`acquaint: ${message}`, detail);
    },
    setDebug(enabled) {
      debugEnabled = enabled;
    },
  };
}
