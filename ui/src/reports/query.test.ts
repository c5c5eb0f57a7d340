import { describe, expect, it } from 'vitest';
import type { ShiftSlot } from '../lib/model';
import {
  complete,
  dayRange,
  fileName,
  incidentRange,
  incidentReportHash,
  recordingReportHash,
  mondayOf,
  queryHash,
  readQuery,
  reportPath,
  shiftChoices,
  weekRange,
  type ReportQuery,
} from './query';

const HOUR = 3_600_000;

const daily = (from: number | null, to: number | null): ReportQuery => ({
  kind: 'daily',
  from,
  to,
  incident: null,
  recording: null,
  lang: 'en',
});

describe('the report chosen in the address', () => {
  it('reads what a link preselects and falls back for the rest', () => {
    expect(readQuery('#/reports?kind=weekly&from=10&to=20&lang=zh', 'en')).toEqual({
      kind: 'weekly',
      from: 10,
      to: 20,
      incident: null,
      recording: null,
      lang: 'zh',
    });
    expect(readQuery('#/reports', 'zh')).toEqual({ ...daily(null, null), lang: 'zh' });
    expect(readQuery('#/reports?kind=yearly&from=abc&incident=-3&lang=fr', 'en')).toEqual(daily(null, null));
    expect(readQuery(incidentReportHash(42), 'en')).toMatchObject({ kind: 'incident', incident: 42 });
    const recording = { id: 'r-1', from_at: 1000, to_at: 5000 };
    expect(readQuery(recordingReportHash({ ...recording, kind: 'drill' }), 'en')).toMatchObject({
      kind: 'drill',
      recording: 'r-1',
      from: null,
    });
    expect(readQuery(recordingReportHash({ ...recording, kind: 'production' }), 'en')).toMatchObject({
      kind: 'daily',
      from: 1000,
      to: 5000,
      recording: 'r-1',
    });
  });

  it('writes back only what the kind uses, and reads it again unchanged', () => {
    const stale: ReportQuery = { kind: 'incident', from: 1, to: 2, incident: 7, recording: 'x', lang: 'zh' };
    expect(queryHash(stale)).toBe('#/reports?kind=incident&incident=7&lang=zh');
    const production: ReportQuery = { ...daily(100, 200), recording: 'prod-1' };
    expect(readQuery(queryHash(production), 'zh')).toEqual(production);
  });

  it('asks the hub with the contract parameters', () => {
    expect(reportPath(daily(100, 199), 'json')).toBe('/api/reports?kind=daily&from=100&to=199&format=json&lang=en');
    const drill: ReportQuery = { ...daily(null, null), kind: 'drill', recording: 'drill 1', lang: 'zh' };
    expect(reportPath(drill, 'pdf')).toBe('/api/reports?kind=drill&recording=drill+1&format=pdf&lang=zh');
  });

  it('knows when the hub has all it needs', () => {
    expect(complete(daily(100, 199))).toBe(true);
    expect(complete(daily(100, null))).toBe(false);
    expect(complete(daily(200, 100))).toBe(false);
    expect(complete({ ...daily(null, null), kind: 'incident', incident: 3 })).toBe(true);
    expect(complete({ ...daily(null, null), kind: 'drill' })).toBe(false);
  });
});

describe('an incident’s range', () => {
  const MINUTE = 60_000;
  it('covers its life a minute either side, and an open one up to now', () => {
    expect(incidentRange([5 * MINUTE, 2 * MINUTE, 9 * MINUTE], false, 100 * MINUTE)).toEqual({ from: MINUTE, to: 10 * MINUTE });
    expect(incidentRange([5 * MINUTE, 9 * MINUTE], true, 100 * MINUTE)).toEqual({ from: 4 * MINUTE, to: 100 * MINUTE });
    expect(incidentRange([], true, 100 * MINUTE)).toBeNull();
  });

  it('never asks for more than the hub reports on', () => {
    const range = incidentRange([0, 40 * 24 * 60 * MINUTE], false, 0);
    expect(range !== null && range.to - range.from).toBe(31 * 24 * 60 * MINUTE - 1);
  });

  it('goes to the hub, not into the address', () => {
    const query: ReportQuery = { ...daily(100, 900), kind: 'incident', incident: 4 };
    expect(reportPath(query, 'html')).toBe('/api/reports?kind=incident&from=100&to=900&incident=4&format=html&lang=en');
    expect(queryHash(query)).toBe('#/reports?kind=incident&incident=4&lang=en');
  });
});

describe('ranges on the calendar', () => {
  it('covers a whole day on the roster’s clock, the last millisecond included', () => {
    const china = 480;
    expect(dayRange('2026-11-23', china)).toEqual({
      from: Date.UTC(2026, 10, 22, 16),
      to: Date.UTC(2026, 10, 23, 16) - 1,
    });
    expect(dayRange('2026-11-23', 0)).toEqual({ from: Date.UTC(2026, 10, 23), to: Date.UTC(2026, 10, 24) - 1 });
    expect(dayRange('23/11/2026', 0)).toBeNull();
  });

  it('starts a week on its Monday, whichever day is picked', () => {
    expect(mondayOf('2026-11-23')).toBe('2026-11-23');
    expect(mondayOf('2026-11-29')).toBe('2026-11-23');
    expect(mondayOf('2026-12-02')).toBe('2026-11-30');
    expect(weekRange('2026-11-26', -300)).toEqual({
      from: Date.UTC(2026, 10, 23, 5),
      to: Date.UTC(2026, 10, 30, 5) - 1,
    });
  });

  it('names the file by kind and the range’s first day', () => {
    // 23 Nov 20:00 UTC is already 24 Nov in China.
    const from = Date.UTC(2026, 10, 23, 20);
    expect(fileName(daily(from, from + HOUR), 'pdf', 0, 0)).toBe('noc-daily-2026-11-23.pdf');
    expect(fileName(daily(from, from + HOUR), 'pdf', 0, 480)).toBe('noc-daily-2026-11-24.pdf');
    const today = Date.UTC(2026, 11, 1, 12);
    expect(fileName({ ...daily(null, null), kind: 'incident', incident: 9 }, 'html', today, 0)).toBe('noc-incident-2026-12-01.html');
  });
});

describe('shifts to report on', () => {
  const slot = (shift: string, start: number, end: number): ShiftSlot => ({
    key: `${shift}@${start}`,
    shift,
    start,
    end,
    team: 'A',
    members: [],
  });
  const day = 24 * HOUR;
  const base = 100 * day;
  // Three eight-hour shifts; the night shift is on now.
  const now = slot('night', base + 16 * HOUR, base + 24 * HOUR);
  const upcoming = [now, slot('early', base + day, base + day + 8 * HOUR), slot('day', base + day + 8 * HOUR, base + day + 16 * HOUR)];

  it('offers the slot on duty, then the ones before it, latest first', () => {
    expect(shiftChoices(now, upcoming, 2)).toEqual([
      { shift: 'night', from: base + 16 * HOUR, to: base + 24 * HOUR - 1, current: true },
      { shift: 'day', from: base + 8 * HOUR, to: base + 16 * HOUR - 1, current: false },
      { shift: 'early', from: base, to: base + 8 * HOUR - 1, current: false },
    ]);
  });

  it('offers nothing without a roster', () => {
    expect(shiftChoices(null, [])).toEqual([]);
  });
});
