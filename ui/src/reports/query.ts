// What the reports page asks the hub for, kept in the page's address
// (`#/reports?kind=weekly&from=…&to=…&lang=zh`) so that a link preselects it: the
// incident detail and the review player open the page this way.
import type { RecordingInfo, ShiftSlot } from '../lib/model';

export const REPORT_KINDS = ['shift', 'daily', 'weekly', 'incident', 'drill'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export type ReportLanguage = 'en' | 'zh';
export type ReportFormat = 'html' | 'pdf' | 'json';

export interface ReportQuery {
  kind: ReportKind;
  /** The covered range, unix ms, both ends included (as the hub reads it); null until chosen. */
  from: number | null;
  to: number | null;
  incident: number | null;
  recording: string | null;
  lang: ReportLanguage;
}

const DAY = 24 * 60 * 60 * 1000;

const isKind = (value: string | null): value is ReportKind => REPORT_KINDS.some((k) => k === value);

function whole(value: string | null): number | null {
  if (value === null || value.trim() === '') return null;
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/** The page's choice from its address; what is missing or malformed is left unchosen. */
export function readQuery(hash: string, uiLanguage: ReportLanguage): ReportQuery {
  const params = new URLSearchParams(hash.split('?')[1] ?? '');
  const kind = params.get('kind');
  const lang = params.get('lang');
  const recording = params.get('recording');
  return {
    kind: isKind(kind) ? kind : 'daily',
    from: whole(params.get('from')),
    to: whole(params.get('to')),
    incident: whole(params.get('incident')),
    recording: recording === null || recording === '' ? null : recording,
    lang: lang === 'en' || lang === 'zh' ? lang : uiLanguage,
  };
}

/**
 * Only what the kind uses, so the address never carries a stale incident or range. An
 * incident's range is the page's own working (its life on the timeline): asked of the
 * hub, not kept in the address.
 */
function used(query: ReportQuery, asking = false): [string, string][] {
  const pairs: [string, string][] = [['kind', query.kind]];
  const ranged = query.kind === 'shift' || query.kind === 'daily' || query.kind === 'weekly' || (asking && query.kind === 'incident');
  if (ranged && query.from !== null) pairs.push(['from', String(query.from)]);
  if (ranged && query.to !== null) pairs.push(['to', String(query.to)]);
  if (query.kind === 'incident' && query.incident !== null) pairs.push(['incident', String(query.incident)]);
  // A daily report over a production recording's range names the recording it came from.
  if ((query.kind === 'drill' || query.kind === 'daily') && query.recording !== null) pairs.push(['recording', query.recording]);
  return pairs;
}

export function queryHash(query: ReportQuery): string {
  const params = new URLSearchParams([...used(query), ['lang', query.lang]]);
  return `#/reports?${params.toString()}`;
}

/** Whether the hub has all it needs to write this report. */
export function complete(query: ReportQuery): boolean {
  switch (query.kind) {
    case 'shift':
    case 'daily':
    case 'weekly':
      return query.from !== null && query.to !== null && query.from <= query.to;
    case 'incident':
      return query.incident !== null;
    case 'drill':
      return query.recording !== null;
  }
}

/** `GET /api/reports?…` for `format` (an incident's with the range of its life). */
export function reportPath(query: ReportQuery, format: ReportFormat): string {
  const params = new URLSearchParams([...used(query, true), ['format', format], ['lang', query.lang]]);
  return `/api/reports?${params.toString()}`;
}

const pad = (n: number) => String(n).padStart(2, '0');
const MINUTE_MS = 60_000;

// Days are the roster's days: the hub reads and prints report times on the roster's
// clock (UTC without a roster), wherever the browser is.

/** `YYYY-MM-DD` of a moment on the clock `offset` minutes from UTC. */
export function dateOf(at: number, offset: number): string {
  const d = new Date(at + offset * MINUTE_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** Midnight starting `YYYY-MM-DD` on that clock, or null for a malformed date. */
export function midnightOf(date: string, offset: number): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (match === null) return null;
  const at = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(at) ? null : at - offset * MINUTE_MS;
}

/** `days` whole days from `date`'s midnight, the last ms included. */
function daysFrom(date: string, days: number, offset: number): { from: number; to: number } | null {
  const from = midnightOf(date, offset);
  return from === null ? null : { from, to: from + days * DAY - 1 };
}

export const dayRange = (date: string, offset: number) => daysFrom(date, 1, offset);

/** The Monday of the week holding `date`: a weekly report always starts on a Monday. */
export function mondayOf(date: string): string | null {
  const at = midnightOf(date, 0);
  if (at === null) return null;
  const back = (new Date(at).getUTCDay() + 6) % 7;
  return dateOf(at - back * DAY, 0);
}

/** Seven days from the Monday of the week holding `date`. */
export function weekRange(date: string, offset: number): { from: number; to: number } | null {
  const monday = mondayOf(date);
  return monday === null ? null : daysFrom(monday, 7, offset);
}

/** A slot to report on: a shift's name and its hours (the slot's end excluded). */
export interface ShiftChoice {
  shift: string;
  from: number;
  to: number;
  current: boolean;
}

/**
 * The slot on duty now and the `count` before it. The hub lists only the coming slots;
 * the roster's shifts repeat every day, so the ones before now are the coming ones a
 * day earlier.
 */
export function shiftChoices(now: ShiftSlot | null, upcoming: readonly ShiftSlot[], count = 3): ShiftChoice[] {
  if (now === null) return [];
  const earlier = upcoming
    .map((slot) => ({ shift: slot.shift, from: slot.start - DAY, to: slot.end - DAY - 1, current: false }))
    .filter((slot) => slot.to < now.start)
    .sort((a, b) => b.from - a.from)
    .slice(0, count);
  return [{ shift: now.shift, from: now.start, to: now.end - 1, current: true }, ...earlier];
}

/** `noc-<kind>-<date>.<ext>`, dated by the range's start (today when it has none). */
export function fileName(query: ReportQuery, extension: 'html' | 'pdf', today: number, offset: number): string {
  return `noc-${query.kind}-${dateOf(query.from ?? today, offset)}.${extension}`;
}

/** The incident detail's link to the incident's review report, in the console's language. */
export function incidentReportHash(incident: number): string {
  return `#/reports?${new URLSearchParams({ kind: 'incident', incident: String(incident) }).toString()}`;
}

/**
 * The review player's link to the report of what it plays: a drill's own report, or
 * for a production recording a daily-style report over exactly its range.
 */
export function recordingReportHash(recording: Pick<RecordingInfo, 'id' | 'kind' | 'from_at' | 'to_at'>): string {
  const params: Record<string, string> =
    recording.kind === 'drill'
      ? { kind: 'drill', recording: recording.id }
      : { kind: 'daily', from: String(recording.from_at), to: String(recording.to_at), recording: recording.id };
  return `#/reports?${new URLSearchParams(params).toString()}`;
}

const MINUTE = 60_000;
/** The longest range the hub reports on. */
export const MAX_REPORT_MS = 31 * DAY;

/**
 * An incident's life as its timeline tells it, a minute either side; an incident
 * still open runs to `now`, so its clocks read as they stand. Never longer than the
 * hub reports on.
 */
export function incidentRange(moments: readonly number[], open: boolean, now: number): { from: number; to: number } | null {
  if (moments.length === 0) return null;
  const from = Math.min(...moments) - MINUTE;
  const to = open ? Math.max(now, Math.max(...moments)) : Math.max(...moments) + MINUTE;
  return { from, to: Math.min(to, from + MAX_REPORT_MS - 1) };
}
