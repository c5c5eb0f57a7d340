import { describe, expect, it } from 'vitest';
import type { MaintenanceWindow } from '../lib/model';
import { checkDraft, currentOrNext, groupWindows, suppressedCounts, toLocalInput, fromLocalInput, windowOf, type WindowDraft } from './maintenance';
import { alarm } from '../test/entities';

const H = 3_600_000;
const DAY = 24 * H;
const win = (id: string, over: Partial<MaintenanceWindow> = {}): MaintenanceWindow => ({
  id,
  title: id,
  starts_at: 10 * DAY,
  ends_at: 10 * DAY + 2 * H,
  recurrence: 'once',
  until: null,
  matchers: [],
  nodes: ['db1'],
  created_by: 'li',
  ...over,
});

describe('occurrences', () => {
  it('of a one-off window: upcoming, active, then over', () => {
    expect(currentOrNext(win('a'), 9 * DAY)).toEqual({ start: 10 * DAY, end: 10 * DAY + 2 * H, active: false });
    expect(currentOrNext(win('a'), 10 * DAY + H)?.active).toBe(true);
    expect(currentOrNext(win('a'), 10 * DAY + 2 * H)).toBeNull();
  });

  it('of a daily window: today’s while in it, else tomorrow’s, none from `until` on', () => {
    const daily = win('d', { recurrence: 'daily', until: 13 * DAY });
    expect(currentOrNext(daily, 11 * DAY + H)).toEqual({ start: 11 * DAY, end: 11 * DAY + 2 * H, active: true });
    expect(currentOrNext(daily, 11 * DAY + 5 * H)).toEqual({ start: 12 * DAY, end: 12 * DAY + 2 * H, active: false });
    expect(currentOrNext(daily, 12 * DAY + 5 * H)).toBeNull();
  });

  it('of a weekly window repeat every seven days', () => {
    const weekly = win('w', { recurrence: 'weekly' });
    expect(currentOrNext(weekly, 17 * DAY + H)?.active).toBe(true);
    expect(currentOrNext(weekly, 12 * DAY)?.start).toBe(17 * DAY);
  });
});

describe('grouping', () => {
  it('puts active windows first, then upcoming, recurring and past', () => {
    const now = 10 * DAY + H;
    const grouped = groupWindows(
      [
        win('past', { starts_at: DAY, ends_at: DAY + H }),
        win('weekly', { recurrence: 'weekly', starts_at: 4 * DAY, ends_at: 4 * DAY + H }),
        win('later', { starts_at: 20 * DAY, ends_at: 20 * DAY + H }),
        win('soon', { starts_at: 11 * DAY, ends_at: 11 * DAY + H }),
        win('now'),
      ],
      now,
    );
    expect(grouped.map((g) => [g.window.id, g.group])).toEqual([
      ['now', 'active'],
      ['soon', 'upcoming'],
      ['later', 'upcoming'],
      ['weekly', 'recurring'],
      ['past', 'past'],
    ]);
  });
});

describe('suppressed counts', () => {
  it('count live alarms per window', () => {
    const counts = suppressedCounts([alarm(1, { suppressed_by: 'w1' }), alarm(2, { suppressed_by: 'w1' }), alarm(3), alarm(4, { suppressed_by: 'w2' })]);
    expect(Object.fromEntries(counts)).toEqual({ w1: 2, w2: 1 });
  });
});

describe('create form', () => {
  const draft = (over: Partial<WindowDraft> = {}): WindowDraft => ({
    title: 'Patch db1',
    start: '2026-11-23T02:00',
    end: '2026-11-23T04:00',
    recurrence: 'once',
    until: '',
    nodes: ['db1'],
    matchers: [],
    ...over,
  });

  it('accepts a complete window and builds the request', () => {
    expect(checkDraft(draft())).toEqual({});
    const request = windowOf(draft({ matchers: [{ name: ' service ', value: 'db', is_regex: false, is_equal: true }] }), '');
    expect(request).toMatchObject({ id: '', title: 'Patch db1', recurrence: 'once', until: null, nodes: ['db1'] });
    expect(request.ends_at - request.starts_at).toBe(2 * H);
    expect(request.matchers[0]?.name).toBe('service');
  });

  it('names each problem by its field', () => {
    expect(checkDraft(draft({ title: ' ', start: '', end: '2026-11-23T01:00' }))).toEqual({ title: 'titleRequired', start: 'startRequired' });
    expect(checkDraft(draft({ end: '2026-11-23T01:00' })).end).toBe('endBeforeStart');
    expect(checkDraft(draft({ recurrence: 'daily', end: '2026-11-24T02:00' })).end).toBe('tooLongForRecurrence');
    expect(checkDraft(draft({ recurrence: 'weekly', until: '2026-11-22T00:00' })).until).toBe('untilBeforeStart');
    expect(checkDraft(draft({ nodes: [] })).scope).toBe('nothingMatched');
    expect(checkDraft(draft({ matchers: [{ name: '1x', value: 'a', is_regex: false, is_equal: true }] })).matchers).toEqual({ 0: 'labelName' });
    expect(checkDraft(draft({ matchers: [{ name: 'x', value: '', is_regex: false, is_equal: true }] })).matchers).toEqual({ 0: 'labelValue' });
  });

  it('round-trips local date inputs to the minute', () => {
    const at = fromLocalInput('2026-11-23T02:30');
    expect(at).not.toBeNull();
    expect(toLocalInput(at ?? 0)).toBe('2026-11-23T02:30');
    expect(fromLocalInput('')).toBeNull();
  });
});
