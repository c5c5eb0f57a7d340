import { formatAge } from '../lib/time';
import { t } from '../lib/i18n/i18n.svelte';

const units = {
  d: (n: number) => t('age.d', { n }),
  h: (n: number) => t('age.h', { n }),
  m: (n: number) => t('age.m', { n }),
  s: (n: number) => t('age.s', { n }),
};

/** A span of time as the scorecard reads it: "4m 05s". */
export function duration(ms: number): string {
  return formatAge(ms, units);
}

/** A target or a length set in whole minutes reads as such: "≤ 5 min" rather than "5m 0s". */
export function span(ms: number): string {
  return ms >= 60_000 && ms % 60_000 === 0 ? t('drills.minutes', { n: ms / 60_000 }) : duration(ms);
}
