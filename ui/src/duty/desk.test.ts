import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DutyView } from '../lib/backend';
import type { Applied } from '../lib/live/live.svelte';
import type { ShiftSlot } from '../lib/model';
import { batch } from '../test/entities';

const getDuty = vi.fn<() => Promise<DutyView>>();
const listHandovers = vi.fn(async () => []);
const listAccounts = vi.fn(async () => []);
let listener: ((applied: Applied) => void) | null = null;

vi.mock('../lib/backend', async (original) => ({
  ...(await original<typeof import('../lib/backend')>()),
  getDuty: () => getDuty(),
  listHandovers: () => listHandovers(),
  listAccounts: () => listAccounts(),
}));

vi.mock('../lib/live/live.svelte', () => ({
  live: {
    listen(fn: (applied: Applied) => void) {
      listener = fn;
      return () => (listener = null);
    },
  },
}));

const { desk } = await import('./desk.svelte');

const HOUR = 3_600_000;

function slot(start: number): ShiftSlot {
  return { key: `day@${start}`, shift: 'day', start, end: start + HOUR, team: 'A', members: ['li.wei'] };
}

function view(now: ShiftSlot | null): DutyView {
  return { now, next: null, upcoming: [], roster: null, overrides: [], handover: null, patrol: [], log: [] };
}

/** Lets the fetches the desk started settle. */
const settle = () => vi.advanceTimersByTimeAsync(0);

let close: () => void = () => {};

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(0);
  getDuty.mockReset();
  getDuty.mockResolvedValue(view(null));
});

afterEach(() => {
  close();
  vi.useRealTimers();
});

describe('duty desk', () => {
  it('fetches again on a batch that changes duty, not on any other', async () => {
    close = desk.open();
    await settle();
    expect(getDuty).toHaveBeenCalledTimes(1);

    listener?.({ kind: 'batch', batch: batch(1, 1, { topology_changed: true }) });
    await settle();
    expect(getDuty).toHaveBeenCalledTimes(1);

    listener?.({ kind: 'batch', batch: batch(2, 2, { duty_changed: true }) });
    await settle();
    expect(getDuty).toHaveBeenCalledTimes(2);
  });

  it('fetches again when the slot on duty ends', async () => {
    getDuty.mockResolvedValue(view(slot(-HOUR / 2)));
    close = desk.open();
    await settle();
    expect(desk.view?.now?.key).toBe(`day@${-HOUR / 2}`);
    expect(getDuty).toHaveBeenCalledTimes(1);

    await vi.advanceTimersByTimeAsync(HOUR / 2 - 1_000);
    expect(getDuty).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(getDuty).toHaveBeenCalledTimes(2);

    // The hub still answers the ended slot: asked again a little later, not at once.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(getDuty).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(getDuty).toHaveBeenCalledTimes(3);
  });

  it('says why the duty could not be fetched, and keeps what it had', async () => {
    close = desk.open();
    await settle();
    getDuty.mockRejectedValue(new Error('hub unreachable'));
    listener?.({ kind: 'batch', batch: batch(3, 3, { duty_changed: true }) });
    await settle();
    expect(desk.failure).toBe('hub unreachable');
    expect(desk.view).not.toBeNull();
  });
});
