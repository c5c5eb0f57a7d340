import { formatDateTime } from '../lib/time';
import { locale } from '../lib/i18n/i18n.svelte';
import { duration } from '../board/age';

export { duration };

export function dateTime(at: number): string {
  return formatDateTime(at, locale());
}

/** How far a moment is into the recording: "+1h 05m". */
export function offset(at: number, from: number): string {
  return `+${duration(at - from)}`;
}

const SIZE_UNITS = ['B', 'KB', 'MB', 'GB'] as const;

/** A file size in the unit that keeps it short (1024-based, as file managers show it). */
export function fileSize(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < SIZE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toLocaleString(locale(), { maximumFractionDigits: digits })} ${SIZE_UNITS[unit]}`;
}

export function number(n: number): string {
  return n.toLocaleString(locale());
}
