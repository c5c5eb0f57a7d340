import { describe, expect, it } from 'vitest';
import { formatAge, formatMoment } from './time';

const units = {
  d: (n: number) => `${n}d`,
  h: (n: number) => `${n}h`,
  m: (n: number) => `${n}m`,
  s: (n: number) => `${n}s`,
};

describe('age', () => {
  it('shows the two most significant units', () => {
    expect(formatAge(0, units)).toBe('0s');
    expect(formatAge(59_999, units)).toBe('59s');
    expect(formatAge(187_000, units)).toBe('3m 7s');
    expect(formatAge(3_600_000 + 120_000, units)).toBe('1h 2m');
    expect(formatAge(2 * 86_400_000 + 4 * 3_600_000 + 59_000, units)).toBe('2d 4h');
  });

  it('never goes negative when clocks disagree', () => {
    expect(formatAge(-5_000, units)).toBe('0s');
  });
});

describe('moment', () => {
  it('adds the date only for another day', () => {
    const at = new Date(2024, 4, 3, 9, 5, 7).getTime();
    expect(formatMoment(at, at + 1000, 'en-GB')).toBe('09:05:07');
    expect(formatMoment(at, at + 2 * 86_400_000, 'en-GB')).toContain('03/05');
  });
});
