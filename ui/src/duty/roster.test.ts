import { describe, expect, it } from 'vitest';
import {
  calendarSlots,
  incomingSlot,
  localParts,
  offsetLabel,
  OFFSETS,
  overridesOf,
  patrolProgress,
  patrolSheet,
  pendingHandover,
  remaining,
  replacedIn,
  rosterProblem,
  shiftOfKey,
  signedForNow,
  slotDays,
  startOfKey,
  startingRoster,
  tidyRoster,
} from './roster';
import type { Handover, PatrolResult, Roster, ShiftSlot } from '../lib/model';

const HOUR = 3_600_000;
// 2026-11-23 00:00 UTC, 08:00 in China.
const MIDNIGHT_UTC = Date.UTC(2026, 10, 23);

function slot(shift: string, start: number, hours: number, team: string, members: string[]): ShiftSlot {
  return { key: `${shift}@${start}`, shift, start, end: start + hours * HOUR, team, members };
}

function roster(change: Partial<Roster> = {}): Roster {
  return {
    utc_offset_minutes: 480,
    shifts: [
      { name: 'day', start: '08:00', hours: 12 },
      { name: 'night', start: '20:00', hours: 12 },
    ],
    teams: [
      { name: 'A', members: ['li.wei'] },
      { name: 'B', members: ['wang.fang'] },
    ],
    anchor_day: '2026-11-23',
    patrol: ['UPS', 'Core links'],
    ...change,
  };
}

function handover(shift: string, next: string | null, accepted: boolean): Handover {
  return {
    shift,
    next_shift: next,
    summary: {
      shift,
      next_shift: next,
      generated_at: 0,
      open_incidents: [],
      unseen_alarms: 0,
      overdue_updates: [],
      changes: [],
      patrol: [],
      log: [],
      notes: '',
    },
    signed: { by: 'li.wei', at: 1 },
    accepted: accepted ? { by: 'wang.fang', at: 2 } : null,
    remarks: '',
  };
}

describe('roster-local time', () => {
  it('reads a moment on the roster’s wall clock', () => {
    expect(localParts(MIDNIGHT_UTC, 480)).toEqual({ day: '2026-11-23', time: '08:00' });
    expect(localParts(MIDNIGHT_UTC - 1, 0)).toEqual({ day: '2026-11-22', time: '23:59' });
    expect(localParts(MIDNIGHT_UTC, -330)).toEqual({ day: '2026-11-22', time: '18:30' });
  });

  it('labels offsets and offers every quarter hour from UTC-12 to UTC+14', () => {
    expect(offsetLabel(480)).toBe('UTC+08:00');
    expect(offsetLabel(-210)).toBe('UTC-03:30');
    expect(offsetLabel(0)).toBe('UTC+00:00');
    expect(OFFSETS[0]).toBe(-720);
    expect(OFFSETS[OFFSETS.length - 1]).toBe(840);
    expect(OFFSETS).toContain(345);
  });

  it('counts down to the change and stops at zero', () => {
    expect(remaining(1_000, 61_000)).toBe(60_000);
    expect(remaining(61_001, 61_000)).toBe(0);
  });
});

describe('calendar', () => {
  it('groups slots by the local day they start on, in order', () => {
    const day = slot('day', MIDNIGHT_UTC, 12, 'A', ['li.wei']);
    const night = slot('night', MIDNIGHT_UTC + 12 * HOUR, 12, 'B', ['wang.fang']);
    const nextDay = slot('day', MIDNIGHT_UTC + 24 * HOUR, 12, 'A', ['li.wei']);
    const days = slotDays([nextDay, night, day], 480);
    expect(days.map((d) => [d.day, d.slots.map((s) => s.key)])).toEqual([
      ['2026-11-23', [day.key, night.key]],
      ['2026-11-24', [nextDay.key]],
    ]);
  });

  it('starts with the slot on duty now, once', () => {
    const now = slot('day', MIDNIGHT_UTC, 12, 'A', ['li.wei']);
    const next = slot('night', MIDNIGHT_UTC + 12 * HOUR, 12, 'B', ['wang.fang']);
    expect(calendarSlots(now, [next]).map((s) => s.key)).toEqual([now.key, next.key]);
    expect(calendarSlots(now, [now, next]).map((s) => s.key)).toEqual([now.key, next.key]);
    expect(calendarSlots(null, [next]).map((s) => s.key)).toEqual([next.key]);
  });

  it('marks who stands in by an override and who was replaced', () => {
    const s = slot('day', MIDNIGHT_UTC, 12, 'A', ['zhao.lei', 'chen.jie']);
    const overrides = [
      { shift: s.key, replaced: 'li.wei', by: 'zhao.lei', reason: 'sick' },
      { shift: 'other@1', replaced: 'chen.jie', by: 'x', reason: '' },
    ];
    expect([...overridesOf(s, overrides).keys()]).toEqual(['zhao.lei']);
    expect(replacedIn(s, overrides)).toEqual(['li.wei']);
  });

  it('splits slot keys into shift and start', () => {
    expect(shiftOfKey('night shift@1700000000000')).toBe('night shift');
    expect(startOfKey('night shift@1700000000000')).toBe(1_700_000_000_000);
    expect(startOfKey('odd')).toBeNull();
  });
});

describe('roster checks', () => {
  it('accepts shifts that cover the day seam to seam', () => {
    expect(rosterProblem(roster())).toBeNull();
    expect(
      rosterProblem(roster({ shifts: [{ name: 'all', start: '09:00', hours: 24 }] })),
    ).toBeNull();
  });

  it('names a gap or an overlap between shifts', () => {
    const gap = roster({
      shifts: [
        { name: 'day', start: '08:00', hours: 11 },
        { name: 'night', start: '20:00', hours: 13 },
      ],
    });
    expect(rosterProblem(gap)).toEqual({ kind: 'seam', name: 'day', ends: '19:00', next: 'night', starts: '20:00' });
    expect(rosterProblem(roster({ shifts: [{ name: 'day', start: '08:00', hours: 12 }] }))).toEqual({
      kind: 'total',
      hours: 12,
    });
  });

  it('refuses bad times, hours and names', () => {
    expect(rosterProblem(roster({ shifts: [{ name: 'x', start: '24:00', hours: 24 }] }))).toEqual({ kind: 'start', name: 'x' });
    expect(rosterProblem(roster({ shifts: [{ name: 'x', start: '00:00', hours: 25 }] }))).toEqual({ kind: 'hours', name: 'x' });
    expect(rosterProblem(roster({ shifts: [] }))).toEqual({ kind: 'noShifts' });
    expect(rosterProblem(roster({ teams: [] }))).toEqual({ kind: 'noTeams' });
    expect(rosterProblem(roster({ teams: [{ name: 'A', members: [] }] }))).toEqual({ kind: 'noMembers', name: 'A' });
    expect(
      rosterProblem(roster({ teams: [{ name: 'A', members: ['a'] }, { name: ' A ', members: ['b'] }] })),
    ).toEqual({ kind: 'duplicateTeam', name: 'A' });
    expect(rosterProblem(roster({ anchor_day: '' }))).toEqual({ kind: 'anchorDay' });
    expect(rosterProblem(roster({ patrol: ['UPS', ' '] }))).toEqual({ kind: 'patrolItem', index: 1 });
  });

  it('trims names before sending', () => {
    const tidy = tidyRoster(roster({ teams: [{ name: ' A ', members: [' li.wei ', ''] }], patrol: [' UPS '] }));
    expect(tidy.teams).toEqual([{ name: 'A', members: ['li.wei'] }]);
    expect(tidy.patrol).toEqual(['UPS']);
  });

  it('starts a new roster on today in the roster’s offset, with no teams of its own invention', () => {
    const fresh = startingRoster(MIDNIGHT_UTC - HOUR, 480);
    expect(fresh.anchor_day).toBe('2026-11-23');
    expect(fresh.teams).toEqual([]);
    expect(rosterProblem(fresh)).toEqual({ kind: 'noTeams' });
  });
});

describe('patrol sheet', () => {
  const result = (item: string, ok: boolean, at: number): PatrolResult => ({ shift: 's', item, ok, note: '', at, by: 'li.wei' });

  it('lists every item with its latest result', () => {
    const sheet = patrolSheet(['UPS', 'Core links', 'Aircon'], [result('UPS', false, 1), result('UPS', true, 2), result('Aircon', false, 3)]);
    expect(sheet.map((l) => [l.item, l.result?.ok ?? null])).toEqual([
      ['UPS', true],
      ['Core links', null],
      ['Aircon', false],
    ]);
    expect(patrolProgress(sheet)).toEqual({ done: 2, issues: 1, total: 3 });
  });
});

describe('handover stage', () => {
  const now = slot('day', MIDNIGHT_UTC, 12, 'A', ['li.wei']);
  const next = slot('night', MIDNIGHT_UTC + 12 * HOUR, 12, 'B', ['wang.fang']);
  const before = 'night@' + (MIDNIGHT_UTC - 12 * HOUR);

  it('shows the current slot’s handover, and the slot before’s only while not taken over', () => {
    expect(pendingHandover(null, now)).toBeNull();
    const own = handover(now.key, next.key, true);
    expect(pendingHandover(own, now)).toBe(own);
    expect(signedForNow(own, now)).toBe(true);
    const earlier = handover(before, now.key, false);
    expect(pendingHandover(earlier, now)).toBe(earlier);
    expect(signedForNow(earlier, now)).toBe(false);
    expect(pendingHandover(handover(before, now.key, true), now)).toBeNull();
  });

  it('finds the slot that takes a handover over', () => {
    expect(incomingSlot(handover(now.key, next.key, false), now, next)).toBe(next);
    expect(incomingSlot(handover(before, now.key, false), now, next)).toBe(now);
    expect(incomingSlot(handover(before, 'elsewhere@1', false), now, next)).toBeNull();
  });
});
