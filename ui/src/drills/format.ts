import { t } from '../lib/i18n/i18n.svelte';
import { duration } from '../board/age';

export { duration };

/** A target or a length set in whole minutes reads as such: "≤ 5 min" rather than "5m 0s". */
export function span(ms: number): string {
  return ms >= 60_000 && ms % 60_000 === 0 ? t('drills.minutes', { n: ms / 60_000 }) : duration(ms);
}
