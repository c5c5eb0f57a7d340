// Roster times as the roster's wall clock shows them, in the chosen language: a NOC
// reads its shifts in its own time, wherever the browser thinks it is.
import { locale } from '../lib/i18n/i18n.svelte';
import { shiftOfKey, startOfKey } from './roster';

const MINUTE = 60_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(kind: 'day' | 'time' | 'moment'): Intl.DateTimeFormat {
  const key = `${locale()}|${kind}`;
  let found = formatters.get(key);
  if (found === undefined) {
    const options: Intl.DateTimeFormatOptions =
      kind === 'day'
        ? { weekday: 'short', month: 'short', day: 'numeric' }
        : kind === 'time'
          ? { hour: '2-digit', minute: '2-digit', hour12: false }
          : { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false };
    // The moment is shifted by the roster's offset first, then read as UTC.
    found = new Intl.DateTimeFormat(locale(), { ...options, timeZone: 'UTC' });
    formatters.set(key, found);
  }
  return found;
}

/** `Mon 23 Nov` for a roster-local day `YYYY-MM-DD`. */
export function dayLabel(day: string): string {
  return formatter('day').format(new Date(`${day}T00:00:00Z`));
}

export function timeLabel(at: number, offsetMinutes: number): string {
  return formatter('time').format(at + offsetMinutes * MINUTE);
}

export function momentLabel(at: number, offsetMinutes: number): string {
  return formatter('moment').format(at + offsetMinutes * MINUTE);
}

/** `day · 23 Nov 08:00` for a slot key. */
export function slotLabel(key: string, offsetMinutes: number): string {
  const start = startOfKey(key);
  const shift = shiftOfKey(key);
  return start === null ? shift : `${shift} · ${momentLabel(start, offsetMinutes)}`;
}
