import * as features from '../config/build-features';
import { checkEntry, parsePersonalize, type PersonalizeEntry } from '../config/load-personalize';
import type { ConfigIssue } from '../config/report';
import { createAudiences } from '../identity/audiences';
import type { LoadedAudiences } from './announce';
import { createPersonalizer, type PersonalizeDom } from './personalizer';

/** Audience rules and `personalize` for one page (`dom`; none: the entries are checked, not applied). */
export function audienceParts(dom?: PersonalizeDom): LoadedAudiences {
  const fragment = dom?.document.createDocumentFragment();
  const compiles = fragment
    ? (selector: string): boolean => {
        try {
          fragment.querySelector(selector);
          return true;
        } catch {
          return false;
        }
      }
    : undefined;
  return {
    createAudiences,
    personalize(raw, audiences, report) {
      if (!features.personalize) return undefined;
      const issues: ConfigIssue[] = [];
      // A container's entries were checked when it was built, all but their selectors.
      const entries = features.configAtRuntime
        ? parsePersonalize(raw, audiences, issues, compiles)
        : ((raw ?? []) as PersonalizeEntry[]).filter(({ path, entry }) => {
            const problem = checkEntry(entry, audiences, compiles);
            if (problem) issues.push({ code: 'invalid_value', path: `${path}.${problem[0]}`, message: problem[1] });
            return !problem;
          });
      if (issues.length) report(issues);
      return dom && entries.length ? createPersonalizer(entries, dom) : undefined;
    },
  };
}
