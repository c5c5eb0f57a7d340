export interface AgeUnits {
  d: (n: number) => string;
  h: (n: number) => string;
  m: (n: number) => string;
  s: (n: number) => string;
}

/** A running age in its two most significant units: "2d 4h", "3m 07s" style. */
export function formatAge(ms: number, units: AgeUnits, separator = ' '): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3_600);
  const m = Math.floor((total % 3_600) / 60);
  const s = total % 60;
  if (d > 0) return [units.d(d), units.h(h)].join(separator);
  if (h > 0) return [units.h(h), units.m(m)].join(separator);
  if (m > 0) return [units.m(m), units.s(s)].join(separator);
  return units.s(s);
}

// Building an Intl.DateTimeFormat costs far more than formatting with one, and a
// scrolling list formats a few hundred times a second: the formatters are kept.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, withDate: boolean): Intl.DateTimeFormat {
  const key = `${locale}|${withDate}`;
  let found = formatters.get(key);
  if (found === undefined) {
    found = new Intl.DateTimeFormat(locale, {
      ...(withDate ? { month: '2-digit', day: '2-digit' } : {}),
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hour12: false,
    });
    formatters.set(key, found);
  }
  return found;
}

/** Clock time, with the date when it is not the same day as `now`. */
export function formatMoment(at: number, now: number, locale: string): string {
  const date = new Date(at);
  const sameDay = new Date(now).toDateString() === date.toDateString();
  return formatter(locale, !sameDay).format(date);
}

/** Date and clock time, whatever day it is (a recording's moments are rarely today). */
export function formatDateTime(at: number, locale: string): string {
  return formatter(locale, true).format(new Date(at));
}
