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
