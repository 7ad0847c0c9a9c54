import type { ConsentChoices, ConsentConfig, ConsentState } from '../config/schema';

const RANK: Record<ConsentState, number> = { granted: 0, pending: 1, denied: 2 };
const stricter = (a: ConsentState, b: ConsentState): ConsentState => (RANK[a] >= RANK[b] ? a : b);

/**
 * The config's defaults for the page's region: `regions["US-CA"]`, else `regions["US"]`, over
 * `defaults`. When the page names no region but the config has regional defaults, each
 * purpose takes the strictest of them all (denied over pending over granted).
 */
export function defaultsFor(config: ConsentConfig | undefined, region: string | undefined): ConsentChoices {
  const base: ConsentChoices = { ...config?.defaults };
  const regions = config?.regions ?? {};
  if (region) {
    const match = regions[region] ?? regions[region.split('-')[0]!];
    return { ...base, ...match };
  }
  for (const defaults of Object.values(regions)) {
    for (const [purpose, state] of Object.entries(defaults)) base[purpose] = stricter(base[purpose] ?? 'pending', state);
  }
  return base;
}
