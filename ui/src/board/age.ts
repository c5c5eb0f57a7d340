import { t } from '../lib/i18n/i18n.svelte';
import { formatAge } from '../lib/time';

const units = {
  d: (n: number) => t('age.d', { n }),
  h: (n: number) => t('age.h', { n }),
  m: (n: number) => t('age.m', { n }),
  s: (n: number) => t('age.s', { n }),
};

/** How long from `since` to `until`, in the chosen language. */
export function age(since: number, until: number): string {
  return formatAge(until - since, units);
}
