import { afterEach, describe, expect, it, vi } from 'vitest';
import { settledFetch } from './settledFetch';

afterEach(() => {
  vi.useRealTimers();
});

describe('settledFetch', () => {
  it('fetches once for a burst, and drops an answer for an incident no longer shown', async () => {
    vi.useFakeTimers();
    let shown = 1;
    const answers: Array<(value: string) => void> = [];
    const fetch = vi.fn((incident: number) => new Promise<string>((resolve) => answers.push((v) => resolve(`${incident}:${v}`))));
    const landed: string[] = [];
    const feed = settledFetch({ settleMs: 300, shown: () => shown, fetch, land: (f) => landed.push(f), refuse: () => {} });

    feed.reload();
    feed.reload();
    await vi.advanceTimersByTimeAsync(300);
    expect(fetch).toHaveBeenCalledTimes(1);

    shown = 2;
    answers[0]?.('old');
    await vi.advanceTimersByTimeAsync(0);
    expect(landed).toEqual([]);

    feed.reload();
    await vi.advanceTimersByTimeAsync(300);
    answers[1]?.('new');
    await vi.advanceTimersByTimeAsync(0);
    expect(fetch).toHaveBeenLastCalledWith(2);
    expect(landed).toEqual(['2:new']);
  });

  it('lets only the newest answer land', async () => {
    vi.useFakeTimers();
    const answers: Array<(value: string) => void> = [];
    const landed: string[] = [];
    const feed = settledFetch({
      settleMs: 300,
      shown: () => 7,
      fetch: () => new Promise<string>((resolve) => answers.push(resolve)),
      land: (f) => landed.push(f),
      refuse: () => {},
    });
    feed.reload();
    await vi.advanceTimersByTimeAsync(300);
    feed.reload();
    await vi.advanceTimersByTimeAsync(300);
    answers[1]?.('second');
    answers[0]?.('first');
    await vi.advanceTimersByTimeAsync(0);
    expect(landed).toEqual(['second']);
    feed.stop();
  });
});
