import { t } from '../lib/i18n/i18n.svelte';
import { formatAge } from '../lib/time';

// Shared by every chip on the board (a list renders hundreds of them while scrolling).
const units = {
  d: (n: number) => t('age.d', { n }),
  h: (n: number) => t('age.h', { n }),
  m: (n: number) => t('age.m', { n }),
  s: (n: number) => t('age.s', { n }),
};

/** A span of time in the chosen language: "4m 05s". */
export function duration(ms: number): string {
  return formatAge(ms, units);
}

/** How long from `since` to `until`, in the chosen language. */
export function age(since: number, until: number): string {
  return duration(until - since);
}
