// The duty screen's own logic: reading roster times in the roster's UTC offset, the
// calendar's days, who came in by an override, the editor's early checks, the patrol
// sheet, and which side of a handover the operator is on.
import type { DutyOverride, Handover, PatrolResult, Roster, ShiftDef, ShiftSlot } from '../lib/model';

const MINUTE = 60_000;
const DAY_MINUTES = 24 * 60;

const pad = (n: number) => String(n).padStart(2, '0');

/** A moment as the roster's wall clock shows it: its day and its time of day. */
export function localParts(at: number, offsetMinutes: number): { day: string; time: string } {
  const shifted = new Date(at + offsetMinutes * MINUTE);
  return {
    day: `${shifted.getUTCFullYear()}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())}`,
    time: `${pad(shifted.getUTCHours())}:${pad(shifted.getUTCMinutes())}`,
  };
}

/** `+08:00` style, as operators read a UTC offset. */
export function offsetLabel(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Every offset in use on Earth lies on a quarter hour between UTC-12 and UTC+14. */
export const OFFSETS: readonly number[] = Array.from({ length: (14 + 12) * 4 + 1 }, (_, i) => -12 * 60 + i * 15);

/** Milliseconds left until `end`, never negative. */
export function remaining(now: number, end: number): number {
  return Math.max(0, end - now);
}

/** The calendar's slots: the one on duty now, then the coming ones (without repeating it). */
export function calendarSlots(now: ShiftSlot | null, upcoming: readonly ShiftSlot[]): ShiftSlot[] {
  if (now === null || upcoming.some((s) => s.key === now.key)) return [...upcoming];
  return [now, ...upcoming];
}

export interface SlotDay {
  day: string;
  slots: ShiftSlot[];
}

/** The calendar's rows: slots grouped by the roster-local day they start on, in order. */
export function slotDays(slots: readonly ShiftSlot[], offsetMinutes: number): SlotDay[] {
  const days: SlotDay[] = [];
  for (const slot of [...slots].sort((a, b) => a.start - b.start)) {
    const day = localParts(slot.start, offsetMinutes).day;
    const last = days[days.length - 1];
    if (last !== undefined && last.day === day) last.slots.push(slot);
    else days.push({ day, slots: [slot] });
  }
  return days;
}

/** The overrides of one slot, by the operator who stands in. */
export function overridesOf(slot: ShiftSlot, overrides: readonly DutyOverride[]): Map<string, DutyOverride> {
  const standIns = new Map<string, DutyOverride>();
  for (const o of overrides) if (o.shift === slot.key) standIns.set(o.by, o);
  return standIns;
}

/** The rostered members a slot would have had: those still on it plus those replaced. */
export function replacedIn(slot: ShiftSlot, overrides: readonly DutyOverride[]): string[] {
  return overrides.filter((o) => o.shift === slot.key && !slot.members.includes(o.replaced)).map((o) => o.replaced);
}

/** A shift's start `HH:MM` in minutes after midnight, or null when it is no time of day. */
export function minutesOf(start: string): number | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(start);
  return m === null ? null : Number(m[1]) * 60 + Number(m[2]);
}

/** Why a roster cannot be saved as it is, for the editor to say before the hub does. */
export type RosterProblem =
  | { kind: 'noShifts' }
  | { kind: 'shiftName'; index: number }
  | { kind: 'duplicateShift'; name: string }
  | { kind: 'start'; name: string }
  | { kind: 'hours'; name: string }
  | { kind: 'total'; hours: number }
  | { kind: 'seam'; name: string; ends: string; next: string; starts: string }
  | { kind: 'noTeams' }
  | { kind: 'teamName'; index: number }
  | { kind: 'duplicateTeam'; name: string }
  | { kind: 'noMembers'; name: string }
  | { kind: 'anchorDay' }
  | { kind: 'patrolItem'; index: number };

const timeOf = (minutes: number) => `${pad(Math.floor(minutes / 60) % 24)}:${pad(minutes % 60)}`;

function shiftProblem(shifts: readonly ShiftDef[]): RosterProblem | null {
  if (shifts.length === 0) return { kind: 'noShifts' };
  const seen = new Set<string>();
  for (const [index, shift] of shifts.entries()) {
    const name = shift.name.trim();
    if (name === '') return { kind: 'shiftName', index };
    if (seen.has(name)) return { kind: 'duplicateShift', name };
    seen.add(name);
    if (minutesOf(shift.start) === null) return { kind: 'start', name };
    if (!Number.isInteger(shift.hours) || shift.hours < 1 || shift.hours > 24) return { kind: 'hours', name };
  }
  const hours = shifts.reduce((sum, s) => sum + s.hours, 0);
  if (hours !== 24) return { kind: 'total', hours };
  // In order, each shift starts where the one before it ends, the last handing to the first.
  for (const [index, shift] of shifts.entries()) {
    const next = shifts[(index + 1) % shifts.length] as ShiftDef;
    const ends = ((minutesOf(shift.start) as number) + shift.hours * 60) % DAY_MINUTES;
    if (ends !== minutesOf(next.start)) {
      return { kind: 'seam', name: shift.name.trim(), ends: timeOf(ends), next: next.name.trim(), starts: next.start };
    }
  }
  return null;
}

function teamProblem(roster: Roster): RosterProblem | null {
  if (roster.teams.length === 0) return { kind: 'noTeams' };
  const seen = new Set<string>();
  for (const [index, team] of roster.teams.entries()) {
    const name = team.name.trim();
    if (name === '') return { kind: 'teamName', index };
    if (seen.has(name)) return { kind: 'duplicateTeam', name };
    seen.add(name);
    if (team.members.length === 0) return { kind: 'noMembers', name };
  }
  return null;
}

/** The first thing wrong with a roster being edited, or null when the hub may judge it. */
export function rosterProblem(roster: Roster): RosterProblem | null {
  const shifts = shiftProblem(roster.shifts);
  if (shifts !== null) return shifts;
  const teams = teamProblem(roster);
  if (teams !== null) return teams;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(roster.anchor_day)) return { kind: 'anchorDay' };
  const blank = roster.patrol.findIndex((item) => item.trim() === '');
  return blank < 0 ? null : { kind: 'patrolItem', index: blank };
}

/** The roster as it is sent: names trimmed, so a stray space names no new operator. */
export function tidyRoster(roster: Roster): Roster {
  return {
    utc_offset_minutes: roster.utc_offset_minutes,
    anchor_day: roster.anchor_day,
    shifts: roster.shifts.map((s) => ({ name: s.name.trim(), start: s.start, hours: s.hours })),
    teams: roster.teams.map((t) => ({ name: t.name.trim(), members: t.members.map((m) => m.trim()).filter((m) => m !== '') })),
    patrol: roster.patrol.map((p) => p.trim()),
  };
}

/**
 * What the editor starts from when there is no roster: the common day and night shifts
 * and today as the anchor; the teams and the patrol are the duty manager's to name.
 */
export function startingRoster(now: number, offsetMinutes = 480): Roster {
  return {
    utc_offset_minutes: offsetMinutes,
    shifts: [
      { name: 'day', start: '08:00', hours: 12 },
      { name: 'night', start: '20:00', hours: 12 },
    ],
    teams: [],
    anchor_day: localParts(now, offsetMinutes).day,
    patrol: [],
  };
}

export interface PatrolLine {
  item: string;
  result: PatrolResult | null;
}

/** Every patrol item of the roster with this slot's latest result for it, if any. */
export function patrolSheet(items: readonly string[], results: readonly PatrolResult[]): PatrolLine[] {
  return items.map((item) => {
    let latest: PatrolResult | null = null;
    for (const r of results) if (r.item === item && (latest === null || r.at >= latest.at)) latest = r;
    return { item, result: latest };
  });
}

/** How far the patrol has come: items recorded, and how many of them have an issue. */
export function patrolProgress(lines: readonly PatrolLine[]): { done: number; issues: number; total: number } {
  let done = 0;
  let issues = 0;
  for (const line of lines) {
    if (line.result === null) continue;
    done += 1;
    if (!line.result.ok) issues += 1;
  }
  return { done, issues, total: lines.length };
}

/** The shift name of a slot key `<shift>@<start>`; the key itself when it has no `@`. */
export function shiftOfKey(key: string): string {
  const at = key.lastIndexOf('@');
  return at < 0 ? key : key.slice(0, at);
}

/** The start of a slot key `<shift>@<start>`, or null. */
export function startOfKey(key: string): number | null {
  const at = key.lastIndexOf('@');
  const start = at < 0 ? NaN : Number(key.slice(at + 1));
  return Number.isFinite(start) ? start : null;
}

/**
 * The handover to show beside the current slot: its own once signed, or the slot
 * before's while it waits to be taken over; an accepted earlier one is history.
 */
export function pendingHandover(handover: Handover | null, now: ShiftSlot | null): Handover | null {
  if (handover === null) return null;
  if (now !== null && handover.shift === now.key) return handover;
  return handover.accepted === null ? handover : null;
}

/** Whether the current slot has signed its handover already. */
export function signedForNow(handover: Handover | null, now: ShiftSlot | null): boolean {
  return handover !== null && now !== null && handover.shift === now.key;
}

/** The slot that takes over `handover`: the next one for the current slot's, else the current. */
export function incomingSlot(handover: Handover, now: ShiftSlot | null, next: ShiftSlot | null): ShiftSlot | null {
  const slot = now !== null && handover.shift === now.key ? next : now;
  return slot !== null && slot.key === handover.next_shift ? slot : null;
}
