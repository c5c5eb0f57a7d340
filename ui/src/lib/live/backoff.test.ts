import { describe, expect, it } from 'vitest';
import { nextDelay } from './backoff';

describe('reconnect back-off', () => {
  it('doubles from half a second and stops growing at fifteen', () => {
    const middle = () => 0.5;
    expect([0, 1, 2, 3, 4, 5, 6, 50].map((n) => nextDelay(n, middle))).toEqual([
      500, 1000, 2000, 4000, 8000, 15000, 15000, 15000,
    ]);
  });

  it('spreads attempts within a quarter either side', () => {
    expect(nextDelay(2, () => 0)).toBe(1500);
    expect(nextDelay(2, () => 1)).toBe(2500);
  });
});
