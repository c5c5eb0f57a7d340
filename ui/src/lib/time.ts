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

/** Clock time, with the date when it is not the same day as `now`. */
export function formatMoment(at: number, now: number, locale: string): string {
  const date = new Date(at);
  const sameDay = new Date(now).toDateString() === date.toDateString();
  return new Intl.DateTimeFormat(locale, {
    ...(sameDay ? {} : { month: '2-digit', day: '2-digit' }),
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(date);
}
