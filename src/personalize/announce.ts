import type { ConfigIssue } from '../config/report';
import type { Audience } from '../config/schema';
import type { createAudiences } from '../identity/audiences';

/** The DOM event by which acquaint-audiences.js hands its parts to the runtime. */
export const AUDIENCES_EVENT = 'acquaint:audiences';

/** Audience rules and page personalization: in acquaint-audiences.js, or in the runtime itself (a container, the ES module). */
export interface LoadedAudiences {
  createAudiences: typeof createAudiences;
  /**
   * The config's `personalize` for this page, checked (issues reported, bad entries left out):
   * a function to call with the members on every change, or undefined if there is nothing to do.
   */
  personalize(
    raw: unknown,
    audiences: readonly Audience[],
    report: (issues: ConfigIssue[]) => void,
  ): ((members: readonly string[]) => void) | undefined;
}
