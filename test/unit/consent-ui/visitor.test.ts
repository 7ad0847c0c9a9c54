import { describe, expect, it } from 'vitest';
import { storedData, yourData } from '../../../src/consent-ui/visitor';
import type { VisitorFacts } from '../../../src/consent-ui/types';

const local = (entries: Record<string, string>) => ({
  length: Object.keys(entries).length,
  key: (i: number) => Object.keys(entries)[i] ?? null,
  getItem: (key: string) => entries[key] ?? null,
});

const facts: VisitorFacts = {
  user: { anonymousId: 'a-1', userId: 'ada', sessionId: 's-1', traits: { email: 'ada@example.com', plan: 'member', age: 36 } },
  hashTraits: ['email'],
  members: ['member'],
  audiences: [
    { id: 'kitchen-fan', label: 'Kitchen fan', description: 'Two kitchen items in your cart.' },
    { id: 'member', label: 'Member', description: 'You signed in with a member account.' },
  ],
  destinations: [
    { id: 'collector', purposes: ['analytics'] },
    { id: 'ga4', purposes: ['analytics', 'marketing'] },
    { id: 'silent', purposes: ['analytics'] },
  ],
  deliveries: { '2026-12-02': { collector: 3, ga4: 1 }, '2026-12-03': { collector: 2 } },
  databases: { 'acquaint-identity': [['profile', { anonymousId: 'a-1' }]], 'acquaint-queue': [] },
};

describe('yourData', () => {
  it('shows ids, traits with the hashed ones marked, member audiences with their reasons, and events per purpose', () => {
    const data = yourData(facts, local({}));
    expect([data.anonymousId, data.userId, data.sessionId]).toEqual(['a-1', 'ada', 's-1']);
    expect(data.traits).toEqual([
      { key: 'email', value: 'ada@example.com', hashed: true },
      { key: 'plan', value: 'member', hashed: false },
      { key: 'age', value: 36, hashed: false },
    ]);
    expect(data.audiences).toEqual([{ id: 'member', label: 'Member', description: 'You signed in with a member account.' }]);
    expect(data.sent).toEqual([
      {
        purpose: 'analytics',
        destinations: [
          { id: 'collector', events: 5 },
          { id: 'ga4', events: 1 },
        ],
      },
      { purpose: 'marketing', destinations: [{ id: 'ga4', events: 1 }] },
    ]);
  });
});

describe('storedData', () => {
  it('is every non-empty database by key, and only the acquaint.* localStorage keys', () => {
    expect(storedData(facts.databases, local({ 'acquaint.consent': '{"v":1}', theme: 'dark', 'acquaint.audiences': 'member' }))).toEqual({
      indexedDB: { 'acquaint-identity': { profile: { anonymousId: 'a-1' } } },
      localStorage: { 'acquaint.consent': '{"v":1}', 'acquaint.audiences': 'member' },
    });
    expect(storedData({}, undefined)).toEqual({ indexedDB: {}, localStorage: {} });
  });
});
