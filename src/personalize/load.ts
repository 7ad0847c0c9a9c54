import type { LoadedAudiences } from './announce';

/**
 * The audience rules and `personalize` (dist/acquaint.js: acquaint-audiences.js, loaded now); a
 * file that cannot load is reported and the page goes on without audiences.
 */
export function loadAudienceParts(
  load: (() => Promise<LoadedAudiences>) | undefined,
  fail: (code: string, message: string) => void,
): Promise<LoadedAudiences | undefined> {
  return (load?.() ?? Promise.reject(new Error('this environment has no loadAudiences'))).catch((error: unknown) => {
    fail('audiences_load_failed', `acquaint-audiences.js: ${error instanceof Error ? error.message : String(error)}; no audiences`);
    return undefined;
  });
}
