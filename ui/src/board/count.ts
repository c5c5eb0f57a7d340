import { locale } from '../lib/i18n/i18n.svelte';

/** A count as people read it from across the room: "10,000", not "10000". */
export function count(n: number): string {
  return n.toLocaleString(locale());
}
