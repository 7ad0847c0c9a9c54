import { describe, expect, it } from 'vitest';
import type { HttpSettings } from '../../../src/destinations/http-settings';
import { httpApi } from '../../../src/relay/vendors/http';
import type { OutboxRow } from '../../../src/relay/vendors/types';
import { bodyOf, outboxRow, outboxRows } from './outbox-row';

const settings: HttpSettings = {
  url: 'https://data-plane.example/v1/batch',
  headersEnv: { Authorization: 'WAREHOUSE_AUTH', 'X-Write-Key': 'WRITE_KEY' },
};
const secrets = { WAREHOUSE_AUTH: 'Basic d2s6', WRITE_KEY: 'wk-secret' };
const NOW = Date.parse('2026-11-23T10:05:00.000Z');
const prepare = (rows: OutboxRow[], more: Partial<HttpSettings> = {}) => httpApi.prepare(rows, { ...settings, ...more }, secrets, NOW);

describe('httpApi', () => {
  it('posts the contract §6 batch with the headers headersEnv names', () => {
    const rows = [outboxRow(), outboxRow({ messageId: 'm-2', type: 'identify', event: undefined, traits: { plan: 'pro' } })];
    const { requests, refused } = prepare(rows);
    expect(refused).toEqual([]);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.url).toBe('https://data-plane.example/v1/batch');
    expect(requests[0]!.headers).toEqual({ 'Content-Type': 'application/json', Authorization: 'Basic d2s6', 'X-Write-Key': 'wk-secret' });
    expect(bodyOf(requests[0])).toEqual({ batch: rows.map((row) => row.event), sentAt: '2026-11-23T10:05:00.000Z' });
    expect(requests[0]!.body).not.toMatch(/d2s6|wk-secret/);
    expect(requests[0]!.url).not.toMatch(/d2s6|wk-secret/);
  });

  it('names the environment variables of its headers', () => {
    expect(httpApi.secretNames(settings)).toEqual(['WAREHOUSE_AUTH', 'WRITE_KEY']);
    expect(httpApi.secretNames({ url: 'https://x.example/' })).toEqual([]);
    expect(httpApi.maxAgeMs).toBeUndefined();
  });

  it('lets headersEnv set the content type', () => {
    const { requests } = httpApi.prepare(
      [outboxRow()],
      { url: settings.url, headersEnv: { 'content-type': 'CT' } },
      { CT: 'text/plain' },
      NOW,
    );
    expect(requests[0]!.headers).toEqual({ 'content-type': 'text/plain' });
  });

  it('sends at most 500 events a request', () => {
    const { requests } = prepare(outboxRows(501));
    expect(requests.map((request) => (bodyOf(request).batch as unknown[]).length)).toEqual([500, 1]);
    expect(requests[1]!.rows.map((row) => row.messageId)).toEqual(['m-500']);
  });

  it('keeps each request under 500 KB', () => {
    const { requests } = prepare(outboxRows(20, { properties: { blob: 'x'.repeat(30_000) } }));
    expect(requests.length).toBeGreaterThan(1);
    for (const request of requests) expect(Buffer.byteLength(request.body)).toBeLessThanOrEqual(500_000);
    expect(requests.flatMap((request) => request.rows)).toHaveLength(20);
  });

  it('refuses an event too large for any request', () => {
    const { requests, refused } = prepare([outboxRow({ properties: { blob: 'x'.repeat(500_000) } })]);
    expect(requests).toEqual([]);
    expect(refused.map((one) => one.reason)).toEqual(['too_large']);
  });

  it('refuses every row when a header secret is not set, or the URL is a path', () => {
    expect(httpApi.prepare([outboxRow()], settings, { WAREHOUSE_AUTH: 'a' }, NOW).refused.map((one) => one.reason)).toEqual([
      'secret_missing',
    ]);
    expect(prepare([outboxRow()], { url: '/v1/batch' }).refused.map((one) => one.reason)).toEqual(['url_not_absolute']);
  });
});
