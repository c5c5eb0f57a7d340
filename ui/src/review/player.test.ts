import { describe, expect, it } from 'vitest';
import { advance, clampMoment, densityBars, fractionOf, keyStep, LatestFrame, localInputValue, momentAt, parseLocalInput, playerHash, reviewAddressOf } from './player';

const span = { from: 1_000_000, to: 1_000_000 + 3_600_000 };

describe('the review address', () => {
  it('tells the library from a recording and reads the moment', () => {
    expect(reviewAddressOf('#/review')).toEqual({ id: null, at: null });
    expect(reviewAddressOf('#/review/')).toEqual({ id: null, at: null });
    expect(reviewAddressOf('#/review/night-shift')).toEqual({ id: 'night-shift', at: null });
    expect(reviewAddressOf('#/review/night-shift?at=1700000000123')).toEqual({ id: 'night-shift', at: 1700000000123 });
    expect(reviewAddressOf('#/review/night-shift?at=')).toEqual({ id: 'night-shift', at: null });
    expect(reviewAddressOf('#/review/night-shift?at=soon')).toEqual({ id: 'night-shift', at: null });
  });

  it('writes what it reads', () => {
    const hash = playerHash('drill 7/β', 1700000000123.7);
    expect(reviewAddressOf(hash)).toEqual({ id: 'drill 7/β', at: 1700000000123 });
    expect(playerHash('x')).toBe('#/review/x');
  });
});

describe('moving the moment', () => {
  it('stays in the recording', () => {
    expect(clampMoment(0, span)).toBe(span.from);
    expect(clampMoment(span.to + 5, span)).toBe(span.to);
    expect(momentAt(-1, span)).toBe(span.from);
    expect(momentAt(0.5, span)).toBe(span.from + 1_800_000);
    expect(fractionOf(span.from + 900_000, span)).toBe(0.25);
    expect(fractionOf(5, { from: 5, to: 5 })).toBe(0);
  });

  it('steps a 200th of the recording, ten times that with Shift, never under a second', () => {
    expect(keyStep(span, false)).toBe(18_000);
    expect(keyStep(span, true)).toBe(180_000);
    expect(keyStep({ from: 0, to: 10_000 }, false)).toBe(1_000);
  });

  it('plays at wall time times the speed and stops at the end', () => {
    expect(advance(span.from, 100, 1000, span)).toEqual({ at: span.from + 100_000, ended: false });
    expect(advance(span.from, 16, 1, span)).toEqual({ at: span.from + 16, ended: false });
    expect(advance(span.to - 10, 100, 60, span)).toEqual({ at: span.to, ended: true });
  });
});

describe('the density histogram', () => {
  it('scales to the busiest slice', () => {
    expect(densityBars([0, 5, 10])).toEqual([0, 0.5, 1]);
    expect(densityBars([0, 0])).toEqual([0, 0]);
  });
});

describe('asking for frames', () => {
  it('keeps one request in flight and asks for the latest moment next', async () => {
    const asked: number[] = [];
    const answers: ((at: number) => void)[] = [];
    const shown: number[] = [];
    let inFlight = 0;
    let most = 0;
    const frames = new LatestFrame<number>(
      (at) =>
        new Promise<number>((done) => {
          asked.push(at);
          inFlight += 1;
          most = Math.max(most, inFlight);
          answers.push((value) => {
            inFlight -= 1;
            done(value);
          });
        }),
      (frame) => shown.push(frame),
      () => {},
    );
    frames.want(1);
    frames.want(2);
    frames.want(3);
    frames.want(4);
    expect(asked).toEqual([1]);
    expect(frames.queued).toBe(true);
    answers[0]!(1);
    await new Promise((r) => setTimeout(r, 0));
    expect(asked).toEqual([1, 4]);
    answers[1]!(4);
    await new Promise((r) => setTimeout(r, 0));
    expect(shown).toEqual([1, 4]);
    expect(most).toBe(1);
    expect(frames.queued).toBe(false);
  });

  it('goes on after a failed request and shows nothing once stopped', async () => {
    const failures: unknown[] = [];
    const shown: number[] = [];
    let fail = true;
    const frames = new LatestFrame<number>(
      async (at) => {
        if (fail) throw new Error('gone');
        return at;
      },
      (frame) => shown.push(frame),
      (error) => failures.push(error),
    );
    frames.want(1);
    await new Promise((r) => setTimeout(r, 0));
    fail = false;
    frames.want(2);
    await new Promise((r) => setTimeout(r, 0));
    expect(failures).toHaveLength(1);
    expect(shown).toEqual([2]);
    frames.stop();
    frames.want(3);
    await new Promise((r) => setTimeout(r, 0));
    expect(shown).toEqual([2]);
  });
});

describe('datetime-local values', () => {
  it('round-trip to the second in local time', () => {
    const at = new Date(2026, 10, 23, 9, 5, 7).getTime();
    expect(localInputValue(at)).toBe('2026-11-23T09:05:07');
    expect(parseLocalInput(localInputValue(at))).toBe(at);
    expect(parseLocalInput('')).toBeNull();
    expect(parseLocalInput('nonsense')).toBeNull();
  });
});
