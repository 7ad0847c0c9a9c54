import { isPlainObject } from '../lib/is';

/** Contract §7: the session's campaign, from the landing URL's `utm_*` parameters. */
export interface Campaign {
  source?: string;
  medium?: string;
  name?: string;
  term?: string;
  content?: string;
  id?: string;
}

/** Contract §7: the ad platforms' click ids on the landing URL. */
export interface ClickIds {
  gclid?: string;
  gbraid?: string;
  wbraid?: string;
  fbclid?: string;
  msclkid?: string;
  ttclid?: string;
}

/** Where the session came from: its first URL's campaign and click ids, and when (ms) that was. */
export interface Landing {
  campaign?: Campaign;
  clickIds?: ClickIds;
  at: number;
}

// [query parameter, key in the event]; Segment's analytics.js renames utm_campaign to `name` too.
const CAMPAIGN: [string, keyof Campaign][] = [
  ['utm_source', 'source'],
  ['utm_medium', 'medium'],
  ['utm_campaign', 'name'],
  ['utm_term', 'term'],
  ['utm_content', 'content'],
  ['utm_id', 'id'],
];
const CLICK_IDS: [string, keyof ClickIds][] = (['gclid', 'gbraid', 'wbraid', 'fbclid', 'msclkid', 'ttclid'] as const).map((name) => [
  name,
  name,
]);
const MAX_LENGTH = 500;

// The known keys with a non-empty string value, capped; undefined when there is none.
function pick<K extends string>(names: [string, K][], read: (param: string, key: K) => unknown): Partial<Record<K, string>> | undefined {
  const out: Partial<Record<K, string>> = {};
  let found = false;
  for (const [param, key] of names) {
    const value = read(param, key);
    if (typeof value === 'string' && value) {
      out[key] = value.slice(0, MAX_LENGTH);
      found = true;
    }
  }
  return found ? out : undefined;
}

/** The landing of a session starting at `url` now; a URL that does not parse has none. */
export function landingFrom(url: string, now: number): Landing {
  let query: URLSearchParams;
  try {
    query = new URL(url).searchParams;
  } catch {
    return { at: now };
  }
  const read = (param: string) => query.get(param);
  return { ...landingContext({ campaign: pick(CAMPAIGN, read), clickIds: pick(CLICK_IDS, read) }), at: now };
}

/** A stored or broadcast landing read back (untrusted): only string values of the known keys. */
export function readLanding(value: unknown): Landing | undefined {
  if (!isPlainObject(value) || typeof value.at !== 'number') return undefined;
  const { campaign, clickIds } = value;
  const fromObject = (part: unknown) => (_: string, key: string) => (isPlainObject(part) ? part[key] : undefined);
  return {
    ...landingContext({ campaign: pick(CAMPAIGN, fromObject(campaign)), clickIds: pick(CLICK_IDS, fromObject(clickIds)) }),
    at: value.at,
  };
}

const NO_LANDING = Object.freeze({});

/** What an event's context carries of a landing: copies, and only the parts it has. */
export function landingContext(landing: Partial<Landing> | undefined): { campaign?: Campaign; clickIds?: ClickIds } {
  if (!landing?.campaign && !landing?.clickIds) return NO_LANDING; // most sessions: nothing to copy per event
  const out: { campaign?: Campaign; clickIds?: ClickIds } = {};
  if (landing?.campaign) out.campaign = { ...landing.campaign };
  if (landing?.clickIds) out.clickIds = { ...landing.clickIds };
  return out;
}
