import { describe, expect, it, vi } from 'vitest';
import { heldWhileLeaving } from '../../../src/storage/held-store';
import { memoryStore } from '../fake-env';

describe('heldWhileLeaving', () => {
  it('begins nothing while the page is leaving; then runs what waited, in order, before what came after', async () => {
    vi.useFakeTimers();
    try {
      const store = memoryStore();
      const setMany = vi.spyOn(store, 'setMany');
      let leaving = true;
      const held = heldWhileLeaving(
        store,
        () => leaving,
        (callback, ms) => setTimeout(callback, ms),
      );
      const first = held.setMany([['k', 'old']]);
      await Promise.resolve();
      expect(setMany).not.toHaveBeenCalled();

      leaving = false; // a task in between, before the held one's timer: it must not overtake it
      const second = held.setMany([['k', 'new']]);
      await vi.advanceTimersByTimeAsync(0);
      await Promise.all([first, second]);
      expect(setMany.mock.calls.map(([items]) => items[0]![1])).toEqual(['old', 'new']);
      expect(store.data.get('k')).toBe('new');

      await held.delMany(['k']); // nothing held: at once
      expect(store.data.size).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
