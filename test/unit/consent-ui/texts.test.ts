import { describe, expect, it } from 'vitest';
import { bannerTextsSchema } from '../../../src/config/schema';
import { DEFAULT_TEXTS, decide, describePurpose, resolveTexts } from '../../../src/consent-ui/texts';
import type { BannerPurpose } from '../../../src/consent-ui/types';

const purposes: BannerPurpose[] = [
  { id: 'necessary', state: 'granted', locked: true },
  { id: 'analytics', state: 'pending', locked: false },
  { id: 'marketing', state: 'denied', locked: true },
  { id: 'ab_testing', state: 'granted', locked: false },
];

describe('banner texts', () => {
  it('has an English default for every text the config may set', () => {
    // Exactly the keys the config schema allows under consent.banner.texts.
    expect(Object.keys(DEFAULT_TEXTS).sort()).toEqual(Object.keys(bannerTextsSchema.shape).sort());
    expect(Object.keys(DEFAULT_TEXTS)).toContain('forget');
    expect(DEFAULT_TEXTS.gpcNotice).toBe('Your browser sends Global Privacy Control: marketing stays off');
    for (const text of Object.values(DEFAULT_TEXTS)) expect(text.trim()).not.toBe('');
  });

  it('puts the config texts over the defaults and keeps a default for an empty text', () => {
    const texts = resolveTexts({ title: 'Ihre Wahl', acceptAll: 'Alle akzeptieren', body: '  ' });
    expect(texts).toEqual({ ...DEFAULT_TEXTS, title: 'Ihre Wahl', acceptAll: 'Alle akzeptieren' });
  });

  it('labels built-in purposes, keeps the config label, and falls back to the id', () => {
    expect(describePurpose(purposes[1]!)).toEqual({
      label: 'Analytics',
      description: expect.stringContaining('how the site is used') as string,
    });
    expect(describePurpose({ ...purposes[1]!, label: 'Statistik', description: 'Zählt Besuche.' })).toEqual({
      label: 'Statistik',
      description: 'Zählt Besuche.',
    });
    expect(describePurpose(purposes[3]!)).toEqual({ label: 'ab_testing', description: '' });
    expect(describePurpose({ id: 'constructor', state: 'pending', locked: false }).label).toBe('constructor');
  });
});

describe('banner choices', () => {
  it('decides for every unlocked purpose and leaves locked ones out', () => {
    expect(decide(purposes, () => 'granted')).toEqual({ analytics: 'granted', ab_testing: 'granted' });
    expect(decide(purposes, (p) => (p.id === 'analytics' ? 'granted' : 'denied'))).toEqual({ analytics: 'granted', ab_testing: 'denied' });
  });
});
