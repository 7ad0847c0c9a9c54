import { describe, expect, it } from 'vitest';
import * as generic from '../../../src/config/build-features';
import { featuresModule, featuresOf, type CompiledConfig } from '../../../src/cli/features';

const http = { id: 'c', type: 'http', purposes: ['analytics'], settings: { url: '/v1' } };
const compiled = (
  config: CompiledConfig['config'],
  destinations: CompiledConfig['destinations'] = [http],
  tags?: CompiledConfig['tags'],
): CompiledConfig => ({ config, destinations, issues: [], notes: [], ...(tags ? { tags } : {}) });
const on = (features: Record<string, boolean>) =>
  Object.keys(features)
    .filter((name) => features[name])
    .sort();

describe('featuresOf', () => {
  it('a config with one http destination needs the http type and redaction, nothing else', () => {
    expect(on(featuresOf(compiled({ version: 1 })))).toEqual(['consentRecord', 'httpType', 'redact']);
  });

  it("leaves out acquaint's consent record when the page is the only source", () => {
    expect(featuresOf(compiled({ version: 1, consent: { source: 'page' } })).consentRecord).toBe(false);
    expect(featuresOf(compiled({ version: 1, consent: { source: 'acquaint' } })).consentRecord).toBe(true);
  });

  it('names each part the config uses', () => {
    const features = featuresOf(
      compiled(
        {
          version: 1,
          debug: true,
          consent: { tcf: { analytics: [1] }, gpp: {}, consentMode: true, banner: {} },
          audiences: [{ id: 'a', all: [{ trait: 'plan', equals: 'x' }] }],
          identity: { serverIdUrl: '/id', hashTraits: ['email'] },
        },
        [
          { ...http, redact: false, caps: [{ event: 'x', max: 1, per: 'session' }], fields: ['properties'] },
          { id: 'm', type: 'meta-pixel', purposes: ['marketing'], settings: {}, redact: false },
          { id: 'crm', type: 'my-crm', purposes: ['analytics'], settings: {}, redact: false },
        ] as CompiledConfig['destinations'],
        { variables: {}, tagging: false, triggers: [{ path: 'triggers[0]', trigger: { type: 'scroll', percent: [50], event: 'depth' } }] },
      ),
    );
    expect(on(features)).toEqual([
      'audiences',
      'banner',
      'caps',
      'consentMode',
      'consentRecord',
      'debugTrace',
      'fieldLists',
      'gpp',
      'hashing',
      'httpType',
      'inlineAudiences',
      'inlineTriggers',
      'lateTypes',
      'scrollTriggers',
      'serverId',
      'tcf',
      'triggers',
      'unsavedNotes',
    ]);
    // Every destination says redact: false: no redactor.
    expect(features.redact).toBe(false);
  });

  it('attribute tagging needs the click and submit watchers', () => {
    const features = featuresOf(compiled({ version: 1 }, [http], { variables: {}, triggers: [], tagging: true }));
    expect([features.clickTriggers, features.submitTriggers, features.scrollTriggers, features.triggers, features.inlineTriggers]).toEqual([
      true,
      true,
      false,
      true,
      true,
    ]);
  });

  it('personalize alone brings the audience parts, inline', () => {
    const features = featuresOf({
      ...compiled({ version: 1 }),
      personalize: [{ path: 'personalize[0]', entry: { audience: 'a', selector: '.a', action: 'show' } }],
    });
    expect([features.audiences, features.personalize, features.inlineAudiences]).toEqual([true, true, true]);
    expect(featuresOf(compiled({ version: 1 })).inlineAudiences).toBe(false);
  });

  it('Meta Pixel alone still hashes (its advanced matching)', () => {
    expect(
      featuresOf(
        compiled({ version: 1 }, [
          { id: 'm', type: 'meta-pixel', purposes: ['marketing'], settings: {} },
        ] as CompiledConfig['destinations']),
      ).hashing,
    ).toBe(true);
  });

  it('writes the flags module with exactly the names of config/build-features.ts', () => {
    const code = featuresModule(featuresOf(compiled({ version: 1 })));
    expect([...code.matchAll(/^export const (\w+) = (true|false);$/gm)].map((m) => m[1]).sort()).toEqual(Object.keys(generic).sort());
    expect(code).toContain('export const configAtRuntime = false;');
  });
});
