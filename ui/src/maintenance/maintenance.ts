// Maintenance windows: when each one is in force, how the page groups them, and the
// checks of the create form (the hub checks again and its refusal is shown too).
import type { Alarm, MaintenanceWindow, Matcher, Recurrence } from '../lib/model';

const DAY_MS = 86_400_000;
const PERIOD: Record<Recurrence, number | null> = { once: null, daily: DAY_MS, weekly: 7 * DAY_MS };

export interface Occurrence {
  start: number;
  end: number;
  /** `now` is inside it. */
  active: boolean;
}

/**
 * The occurrence in force at `now`, else the next one; `null` once the window is over.
 * As the engine has it: a recurring window repeats its first occurrence every period,
 * and nothing is in force from `until` on.
 */
export function currentOrNext(window: MaintenanceWindow, now: number): Occurrence | null {
  const length = window.ends_at - window.starts_at;
  const period = PERIOD[window.recurrence];
  const until = window.until ?? Infinity;
  const occurrence = (start: number): Occurrence | null =>
    start >= until ? null : { start, end: Math.min(start + length, until), active: now >= start && now < Math.min(start + length, until) };
  if (now < window.starts_at) return occurrence(window.starts_at);
  if (period === null) return now < window.ends_at ? occurrence(window.starts_at) : null;
  const started = window.starts_at + Math.floor((now - window.starts_at) / period) * period;
  const current = occurrence(started);
  if (current !== null && current.active) return current;
  return occurrence(started + period);
}

export type WindowGroup = 'active' | 'upcoming' | 'recurring' | 'past';

export interface GroupedWindow {
  window: MaintenanceWindow;
  group: WindowGroup;
  occurrence: Occurrence | null;
}

/**
 * Active now (whatever the recurrence), upcoming one-off windows, recurring windows
 * between occurrences, and those that are over; each group soonest first.
 */
export function groupWindows(windows: readonly MaintenanceWindow[], now: number): GroupedWindow[] {
  const order: WindowGroup[] = ['active', 'upcoming', 'recurring', 'past'];
  return windows
    .map((window): GroupedWindow => {
      const occurrence = currentOrNext(window, now);
      const group: WindowGroup =
        occurrence === null ? 'past' : occurrence.active ? 'active' : window.recurrence === 'once' ? 'upcoming' : 'recurring';
      return { window, group, occurrence };
    })
    .sort(
      (a, b) =>
        order.indexOf(a.group) - order.indexOf(b.group) ||
        (a.occurrence?.start ?? -a.window.ends_at) - (b.occurrence?.start ?? -b.window.ends_at) ||
        a.window.id.localeCompare(b.window.id),
    );
}

/** How many live alarms each window suppresses right now. */
export function suppressedCounts(alarms: Iterable<Alarm>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const alarm of alarms) {
    if (alarm.suppressed_by !== null) counts.set(alarm.suppressed_by, (counts.get(alarm.suppressed_by) ?? 0) + 1);
  }
  return counts;
}

/** What the create form holds, as typed. */
export interface WindowDraft {
  title: string;
  /** `datetime-local` values, in the browser's time zone. */
  start: string;
  end: string;
  recurrence: Recurrence;
  until: string;
  nodes: string[];
  matchers: Matcher[];
}

export type DraftProblem =
  | 'titleRequired'
  | 'startRequired'
  | 'endRequired'
  | 'endBeforeStart'
  | 'untilBeforeStart'
  | 'tooLongForRecurrence'
  | 'nothingMatched'
  | 'labelName'
  | 'labelValue';

export type DraftProblems = Partial<Record<'title' | 'start' | 'end' | 'until' | 'scope', DraftProblem>> & {
  /** By matcher index. */
  matchers?: Record<number, DraftProblem>;
};

const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A `datetime-local` value as an instant; `null` when empty or not a date. */
export function fromLocalInput(value: string): number | null {
  if (value.trim() === '') return null;
  const at = new Date(value).getTime();
  return Number.isNaN(at) ? null : at;
}

/** An instant as a `datetime-local` value in the browser's time zone, to the minute. */
export function toLocalInput(at: number): string {
  const d = new Date(at);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}

export function checkDraft(draft: WindowDraft): DraftProblems {
  const problems: DraftProblems = {};
  if (draft.title.trim() === '') problems.title = 'titleRequired';
  const start = fromLocalInput(draft.start);
  const end = fromLocalInput(draft.end);
  if (start === null) problems.start = 'startRequired';
  if (end === null) problems.end = 'endRequired';
  if (start !== null && end !== null) {
    if (end <= start) problems.end = 'endBeforeStart';
    const period = PERIOD[draft.recurrence];
    if (period !== null && end - start >= period) problems.end = 'tooLongForRecurrence';
  }
  const until = fromLocalInput(draft.until);
  if (draft.recurrence !== 'once' && until !== null && start !== null && until < start) problems.until = 'untilBeforeStart';
  const matcherProblems: Record<number, DraftProblem> = {};
  draft.matchers.forEach((m, i) => {
    if (!LABEL_NAME.test(m.name.trim())) matcherProblems[i] = 'labelName';
    else if (m.is_equal && m.value === '') matcherProblems[i] = 'labelValue';
  });
  if (Object.keys(matcherProblems).length > 0) problems.matchers = matcherProblems;
  // Planned work names what it touches: a window without nodes or matchers covers nothing.
  if (draft.nodes.length === 0 && draft.matchers.length === 0) problems.scope = 'nothingMatched';
  return problems;
}

export const hasProblems = (p: DraftProblems): boolean => Object.keys(p).length > 0;

/** The request for the hub, once the draft checks out. */
export function windowOf(draft: WindowDraft, id: string): Omit<MaintenanceWindow, 'created_by'> {
  return {
    id,
    title: draft.title.trim(),
    starts_at: fromLocalInput(draft.start) ?? 0,
    ends_at: fromLocalInput(draft.end) ?? 0,
    recurrence: draft.recurrence,
    until: draft.recurrence === 'once' ? null : fromLocalInput(draft.until),
    matchers: draft.matchers.map((m) => ({ ...m, name: m.name.trim() })),
    nodes: [...draft.nodes],
  };
}

/** Matchers in Alertmanager's own notation, for the list. Windows match exactly (no regex). */
export function matcherText(m: Matcher): string {
  const op = m.is_regex ? (m.is_equal ? '=~' : '!~') : m.is_equal ? '=' : '!=';
  return `${m.name}${op}"${m.value}"`;
}
