import { describe, expect, it } from 'vitest';
import { nextPageNotes } from '../../../src/storage/notes';
import { memoryLocalStore } from '../fake-env';

describe('nextPageNotes', () => {
  it("writes and reads the page's own note, under acquaint.<kind>.<owner>", () => {
    const local = memoryLocalStore();
    const notes = nextPageNotes(local, 'rescue', 'tab-1');
    notes.write([{ a: 1 }]);
    expect(local.data.get('acquaint.rescue.tab-1')).toBe('[{"a":1}]');
    expect(notes.read()).toEqual([{ a: 1 }]);
    notes.remove();
    expect(notes.read()).toBeUndefined();
  });

  it('lists the notes of other owners, not its own, not those skipped, not of another kind', () => {
    const local = memoryLocalStore();
    nextPageNotes(local, 'rescue', 'gone').write(['from gone']);
    nextPageNotes(local, 'rescue', 'alive').write(['from alive']);
    nextPageNotes(local, 'handover', 'gone').write(['other kind']);
    const mine = nextPageNotes(local, 'rescue', 'me');
    mine.write(['mine']);
    const [notes, remove] = mine.others(new Set(['alive']));
    expect(notes).toEqual([['from gone']]);
    remove();
    expect([...local.data.keys()].sort()).toEqual(['acquaint.handover.gone', 'acquaint.rescue.alive', 'acquaint.rescue.me']);
  });

  it('reads a note that is not JSON as nothing', () => {
    const local = memoryLocalStore();
    local.set('acquaint.unsaved.old', '{broken');
    expect(nextPageNotes(local, 'unsaved', 'me').others()[0]).toEqual([undefined]);
  });
});
