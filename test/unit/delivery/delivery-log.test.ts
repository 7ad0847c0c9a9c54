import { describe, expect, it } from 'vitest';
import { createDeliveryLog, type DeliveryCounts } from '../../../src/delivery/delivery-log';

const DAY = 86_400_000;
const noon = (iso: string) => new Date(`${iso}T12:00:00`).getTime();

function log(start: number, allowed = true) {
  let now = start;
  const saved: DeliveryCounts[] = [];
  const deliveries = createDeliveryLog({
    now: () => now,
    allowed: () => allowed,
    save: (counts) => void saved.push(JSON.parse(JSON.stringify(counts)) as DeliveryCounts),
  });
  return { deliveries, saved, later: (ms: number) => void (now += ms) };
}

describe('createDeliveryLog', () => {
  it('counts events per local day and destination, and saves each change', () => {
    const { deliveries, saved } = log(noon('2026-12-03'));
    deliveries.delivered('collector', 3);
    deliveries.delivered('collector', 2);
    deliveries.delivered('ga4', 1);
    expect(deliveries.counts()).toEqual({ '2026-12-03': { collector: 5, ga4: 1 } });
    expect(saved.at(-1)).toEqual({ '2026-12-03': { collector: 5, ga4: 1 } });
  });

  it('keeps the last 7 days only', () => {
    const { deliveries, later } = log(noon('2026-12-01'));
    deliveries.delivered('collector', 1);
    later(6 * DAY);
    deliveries.delivered('collector', 2);
    expect(Object.keys(deliveries.counts())).toEqual(['2026-12-01', '2026-12-07']);
    later(DAY);
    expect(deliveries.counts()).toEqual({ '2026-12-07': { collector: 2 } });
  });

  it('counts nothing while storage is not allowed', () => {
    const { deliveries, saved } = log(noon('2026-12-03'), false);
    deliveries.delivered('collector', 3);
    expect(deliveries.counts()).toEqual({});
    expect(saved).toEqual([]);
  });

  it('adds a stored log to the counts of this page, ignoring what is malformed', () => {
    const { deliveries } = log(noon('2026-12-03'));
    deliveries.delivered('collector', 1);
    deliveries.restore({ '2026-12-03': { collector: 4, ga4: 'x' }, '2026-12-02': [1], '2026-12-01': { meta: 2 } });
    expect(deliveries.counts()).toEqual({ '2026-12-03': { collector: 5 }, '2026-12-01': { meta: 2 } });
    deliveries.restore('junk');
    deliveries.clear();
    expect(deliveries.counts()).toEqual({});
  });
});
