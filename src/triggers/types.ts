import type { ConfigIssue } from '../config/report';
import type { TriggerConfig, VariableConfig } from '../config/tags-schema';

/** The tag manager part of a loaded config: valid entries only, each with its config path. */
export interface TagsConfig {
  variables: Record<string, VariableConfig>;
  triggers: { path: string; trigger: TriggerConfig }[];
  tagging: boolean;
}

/** What a trigger saw when it fired: the names its templates may read (contract §7). */
export interface Scope {
  /** The matched element of a click (or of attribute tagging). */
  click?: Element;
  /** The submitted form. */
  form?: HTMLFormElement;
  /** The element of a `visible` trigger. */
  element?: Element;
  /** The threshold a scroll trigger crossed. */
  scroll?: number;
  /** How many times a timer fired, this one included. */
  timer?: number;
}

/** What the runtime gives the triggers file: the data layer, the model and its reports. */
export interface TriggerHost {
  /** Pushes onto window.dataLayer; `origin` (e.g. `triggers[2] click`) is shown by debug mode. */
  push(message: Record<string, unknown>, origin: string): void;
  /** Reads the data layer model by dot path (`dl.<path>`, `dataLayer` variables). */
  get(path: string): unknown;
  /** Called after a single-page navigation (pushState, popstate) landed on another URL. */
  onNavigate(listener: () => void): void;
  /** Config problems only the page can see (selectors that do not compile, …). */
  report(issues: ConfigIssue[]): void;
  debug(message: string): void;
}

/** The browser the triggers run in: injected, so only the entry reads globals. */
export interface TriggerDom {
  document: Document;
  window: Window;
}

/** One trigger ready to fire: `fire` checks its `when`, fills its properties and pushes. */
export interface Armed<T> {
  trigger: T;
  fire(scope: Scope): void;
}

/** Removes what a watcher added (listeners, observers, timers). */
export type Stop = () => void;
