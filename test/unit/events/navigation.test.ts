import { describe, expect, it, vi } from 'vitest';
import { followHistory } from '../../../src/events/navigation';

describe('followHistory', () => {
  it('reports a page view a task after a move to another URL, with the previous URL, and none for a new #fragment', () => {
    vi.useFakeTimers();
    let url = 'https://app.example/a';
    let navigate = () => undefined as void;
    const views: string[] = [];
    followHistory(
      {
        page: () => ({ url, path: new URL(url).pathname, referrer: '', title: '' }),
        setTimeout: (f, ms) => setTimeout(f, ms),
        onNavigate: (listener) => void (navigate = listener),
      },
      (previous) => void views.push(`${previous} → ${url}`),
    );
    url = 'https://app.example/b';
    navigate();
    expect(views).toEqual([]); // not yet: the app sets the title after pushState
    vi.runAllTimers();
    url = 'https://app.example/b#reviews';
    navigate();
    vi.runAllTimers();
    url = 'https://app.example/a';
    navigate();
    vi.runAllTimers();
    expect(views).toEqual(['https://app.example/a → https://app.example/b', 'https://app.example/b → https://app.example/a']);
    vi.useRealTimers();
  });
});
