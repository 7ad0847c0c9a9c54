import { describe, expect, it, vi } from 'vitest';
import { createDebugMode, type TraceFactory } from '../../../src/events/debug-mode';
import { createTrace } from '../../../src/events/trace';
import type { AcquaintEvent } from '../../../src/events/event';

const event = (messageId: string, name: string) =>
  ({ type: 'track', event: name, messageId, timestamp: '2026-12-02T00:00:00.000Z' }) as AcquaintEvent;
const target = () => ({ debug: vi.fn(), groupCollapsed: vi.fn(), groupEnd: vi.fn() });

describe('debug mode', () => {
  it('is off until enabled: no trace, nothing recorded', () => {
    const mode = createDebugMode(
      target(),
      () => undefined,
      () => createTrace,
    );
    expect(mode.trace()).toBeUndefined();
    expect(mode.report()).toEqual({ enabled: false, events: [] });
  });

  it('with the trace in the file, traces from the call on', () => {
    const setDebug = vi.fn();
    const mode = createDebugMode(target(), setDebug, () => createTrace);
    expect(mode.report(true).enabled).toBe(true);
    mode.trace()!.begin(event('1', 'now'));
    mode.trace()!.end();
    expect(mode.report().events.map((e) => e.name)).toEqual(['now']);
    expect(setDebug).toHaveBeenCalledWith(true);
  });

  it('with the trace loaded from its file, plays what happened meanwhile to it on arrival', async () => {
    let arrive!: (create: TraceFactory) => void;
    const console_ = target();
    const mode = createDebugMode(
      console_,
      () => undefined,
      () => new Promise<TraceFactory>((resolve) => (arrive = resolve)),
    );
    const enabled = mode.enable();
    const trace = mode.trace()!;
    trace.from('triggers[0] (click)');
    trace.begin(event('1', 'early'));
    trace.step('1', { destination: 'collector', status: 'queued' });
    trace.end();
    expect(mode.report()).toEqual({ enabled: true, events: [] });
    arrive(createTrace);
    await enabled;
    expect(mode.report().events).toEqual([
      expect.objectContaining({ name: 'early', origin: 'triggers[0] (click)', steps: [{ destination: 'collector', status: 'queued' }] }),
    ]);
    expect(console_.groupCollapsed).toHaveBeenCalledWith(expect.stringContaining('early'));
  });

  it('a trace file that does not load leaves debug lines on, says why, and may be tried again', async () => {
    const console_ = target();
    const load = vi.fn().mockRejectedValueOnce(new Error('blocked')).mockResolvedValueOnce(createTrace);
    const mode = createDebugMode(console_, () => undefined, load);
    await mode.enable();
    expect(mode.trace()).toBeUndefined();
    expect(console_.debug).toHaveBeenCalledWith('acquaint: debug mode has no trace: blocked');
    await mode.enable();
    expect(load).toHaveBeenCalledTimes(2);
    expect(mode.trace()?.events()).toEqual([]);
  });
});
