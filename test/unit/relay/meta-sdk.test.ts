import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { AcquaintEvent } from '../../../src/events/event';
import { GRAPH_VERSION, metaApi } from '../../../src/relay/vendors/meta';
import { bodyOf, outboxRow } from './outbox-row';

// Meta's own Node SDK (a devDependency, CommonJS, untyped): what it would send is the reference.
interface SdkUserData {
  setEmails(emails: string[]): SdkUserData;
  setPhones(phones: string[]): SdkUserData;
  setExternalId(id: string): SdkUserData;
  setClientIpAddress(ip: string): SdkUserData;
  setClientUserAgent(userAgent: string): SdkUserData;
  setFbc(fbc: string): SdkUserData;
  setFbp(fbp: string): SdkUserData;
  normalize(): Record<string, unknown>;
}
interface SdkServerEvent {
  setEventName(name: string): SdkServerEvent;
  setEventTime(seconds: number): SdkServerEvent;
  setEventId(id: string): SdkServerEvent;
  setActionSource(source: string): SdkServerEvent;
  setEventSourceUrl(url: string): SdkServerEvent;
  setUserData(user: SdkUserData): SdkServerEvent;
  normalize(): Record<string, unknown>;
}
const sdk = createRequire(import.meta.url)('facebook-nodejs-business-sdk') as {
  UserData: new () => SdkUserData;
  ServerEvent: new () => SdkServerEvent;
  ServerSideUtils: { normalizeAndHash(input: string, field: string): string };
  FacebookAdsApi: { VERSION: string };
};

const HASH = 'a0c9d4d1b8c9f1b6f2b8e7f2a1f6a0c2b9d6e3f4a5b6c7d8e9f0a1b2c3d4e5f6';
const NOW = Date.parse('2026-11-23T10:05:00.000Z');
const settings = { pixelId: '1234567890', accessTokenEnv: 'TOKEN' };

interface Case {
  email?: string;
  phone?: string | number;
  userId?: string;
  fbclid?: string;
  fbp?: string;
  ip: string;
}
const CASES: Case[] = [
  {
    email: '  John.Doe@Example.COM ',
    phone: '+1 (650) 555-1234',
    userId: 'User-42',
    fbclid: 'IwAR1x',
    fbp: 'fb.1.1700000000000.42',
    ip: '203.0.113.7',
  },
  { email: 'ALICE@example.org', phone: '0044 20 7946 0958', ip: '2001:db8::1' },
  { email: HASH, phone: '020 7946 0958', userId: '12345678', ip: '198.51.100.2' },
  { email: HASH.toUpperCase(), phone: '+33-6-12-34-56-78', userId: ' u_ABC ', ip: '198.51.100.3' },
  { email: 'o.brien+shop@mail.example.co.uk', phone: '555.123.4567', ip: '198.51.100.4' },
  { phone: 4915112345678, userId: HASH, ip: '198.51.100.5' },
  { phone: 'Tel 06 12 34 56 78', fbclid: 'abc', ip: '198.51.100.6' },
  { phone: '001 650 555 1234', fbp: 'fb.2.1700000000000.7', ip: '198.51.100.7' },
  { phone: '(650) 555-1234', ip: '198.51.100.8' },
  { phone: HASH, ip: '198.51.100.9' },
];

function ours(input: Case): Record<string, unknown> {
  const traits = { ...(input.email !== undefined && { email: input.email }), ...(input.phone !== undefined && { phone: input.phone }) };
  const context = { traits, ...(input.fbclid && { clickIds: { fbclid: input.fbclid } }) } as Partial<AcquaintEvent['context']>;
  const row = outboxRow(
    { userId: input.userId ?? null, context },
    { ip: input.ip, userAgent: 'Mozilla/5.0 (X11)', ...(input.fbp && { fbp: input.fbp }) },
  );
  const { requests, refused } = metaApi.prepare([row], settings, { TOKEN: 't' }, NOW);
  expect(refused).toEqual([]);
  const { custom_data: _custom, ...event } = (bodyOf(requests[0]) as { data: Record<string, unknown>[] }).data[0]!;
  return event;
}

function theSdks(input: Case): Record<string, unknown> {
  const time = Date.parse('2026-11-23T10:00:00.000Z');
  const user = new sdk.UserData().setClientIpAddress(input.ip).setClientUserAgent('Mozilla/5.0 (X11)');
  if (input.email !== undefined) user.setEmails([input.email]);
  if (input.phone !== undefined) user.setPhones([String(input.phone)]);
  // The SDK sends external_id as given: hashed here with its own normalise-and-hash.
  if (input.userId !== undefined) user.setExternalId(sdk.ServerSideUtils.normalizeAndHash(input.userId, 'external_id'));
  if (input.fbclid) user.setFbc(`fb.1.${time}.${input.fbclid}`);
  if (input.fbp) user.setFbp(input.fbp);
  return new sdk.ServerEvent()
    .setEventName('Purchase')
    .setEventTime(Math.floor(time / 1000))
    .setEventId('m-1')
    .setActionSource('website')
    .setEventSourceUrl('https://shop.example/cart')
    .setUserData(user)
    .normalize();
}

describe('metaApi against facebook-nodejs-business-sdk', () => {
  it.each(CASES)('builds the server event the SDK builds for %j', (input) => {
    expect(ours(input)).toEqual(theSdks(input));
  });

  it.each([{ email: 'not an email' }, { email: 'a@b' }, { phone: '12-34' }, { phone: '12345678901234567' }])(
    'leaves out %j, which the SDK refuses',
    (input) => {
      expect(() => theSdks({ ...input, ip: '203.0.113.7' })).toThrow();
      const user = ours({ ...input, ip: '203.0.113.7' }).user_data as Record<string, unknown>;
      expect(user.em ?? user.ph).toBeUndefined();
    },
  );

  it('speaks the Graph API version of the SDK', () => {
    expect(GRAPH_VERSION).toBe(sdk.FacebookAdsApi.VERSION);
  });
});
