import type * as AllFeatures from '../config/build-features';
import { BUILT_IN_TYPES, CHUNKED_TYPES, hashedBy } from '../config/destination-types';
import type { LoadedConfig } from '../config/load';
import type { PersonalizeEntry } from '../config/load-personalize';
import type { TagsConfig } from '../triggers/types';

/** One flag per optional part of the runtime: the names of config/build-features.ts. */
export type Features = { -readonly [K in keyof typeof AllFeatures]: boolean };

/** A checked config whose `tags` and `personalize` were parsed at build time (what a container compiles in). */
export type CompiledConfig = Omit<LoadedConfig, 'tags' | 'personalize'> & { tags?: TagsConfig; personalize?: PersonalizeEntry[] };

/** The parts of the runtime a checked config uses; the rest stays out of its container. */
export function featuresOf({ config, destinations, tags, personalize }: CompiledConfig, { debug = false } = {}): Features {
  const consent = config.consent;
  const identity = config.identity;
  const some = (test: (destination: CompiledConfig['destinations'][number]) => unknown): boolean =>
    destinations.some((d) => Boolean(test(d)));
  const triggers = Boolean(tags && (tags.tagging || tags.triggers.length));
  const triggered = (type: string): boolean => Boolean(tags?.triggers.some(({ trigger }) => trigger.type === type));
  return {
    configAtRuntime: false,
    debugTrace: debug || config.debug === true,
    tcf: Boolean(consent?.tcf),
    gpp: Boolean(consent?.gpp),
    consentMode: Boolean(consent?.consentMode),
    consentRecord: consent?.source !== 'page',
    banner: Boolean(consent?.banner),
    audiences: Boolean(config.audiences?.length || personalize?.length),
    personalize: Boolean(personalize?.length),
    inlineAudiences: Boolean(config.audiences?.length || personalize?.length),
    caps: some((d) => d.caps?.length),
    unsavedNotes: Boolean(config.audiences?.length || personalize?.length || consent?.banner) || some((d) => d.caps?.length),
    redact: some((d) => d.redact !== false),
    hashing: Boolean(identity?.hashTraits?.length) || some((d) => d.hash?.length || hashedBy(d.type).length),
    fieldLists: some((d) => d.fields),
    proof: Boolean(config.relay),
    inlineProof: Boolean(config.relay),
    serverId: Boolean(identity?.serverIdUrl || config.relay),
    contextTraits: some((d) => d.contextTraits?.length),
    httpType: some((d) => d.type === 'http'),
    lateTypes: some((d) => CHUNKED_TYPES.includes(d.type) || !BUILT_IN_TYPES.includes(d.type)),
    triggers,
    clickTriggers: Boolean(tags?.tagging) || triggered('click'),
    submitTriggers: Boolean(tags?.tagging) || triggered('submit'),
    scrollTriggers: triggered('scroll'),
    visibleTriggers: triggered('visible'),
    timerTriggers: triggered('timer'),
    inlineTriggers: triggers,
  };
}

/** config/build-features.ts as the container's copy: the same names, these values. */
export function featuresModule(features: Features): string {
  return Object.entries(features)
    .map(([name, on]) => `export const ${name} = ${on};\n`)
    .join('');
}
