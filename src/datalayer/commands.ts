import { isPlainObject } from '../lib/is';

/** Handlers for the gtag() commands acquaint understands. */
export interface CommandHandlers {
  consent(mode: 'default' | 'update', choices: Record<string, unknown>): void;
  set(values: Record<string, unknown>): void;
  event(name: string, params: Record<string, unknown>): void;
  debug(message: string): void;
}

/** Routes one `gtag(...)` call (`arguments` pushed to the data layer). */
export function routeCommand(args: readonly unknown[], handlers: CommandHandlers): void {
  const [command, first, second] = args;
  if (command === 'consent' && (first === 'default' || first === 'update') && isPlainObject(second)) {
    return handlers.consent(first, second);
  }
  if (command === 'set' && isPlainObject(first)) return handlers.set(first);
  if (command === 'set' && typeof first === 'string' && first) return handlers.set({ [first]: second });
  if (command === 'event' && typeof first === 'string' && first) {
    return handlers.event(first, isPlainObject(second) ? second : {});
  }
  handlers.debug(`ignored gtag command ${JSON.stringify(String(command))}: acquaint handles consent, set and event`);
}

/** An `arguments` object, exactly what a standard `gtag()` pushes, for commands acquaint itself sends. */
export function gtagArguments(..._args: unknown[]): IArguments {
  // eslint-disable-next-line prefer-rest-params
  return arguments;
}
