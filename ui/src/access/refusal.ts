import { ApiError } from '../lib/backend';
import { t } from '../lib/i18n/i18n.svelte';

/** The hub's own words for a failed request, or what went wrong on the way. */
export function messageOf(error: unknown): string {
  return error instanceof ApiError || error instanceof Error ? error.message : String(error);
}

/** A refusal as the admin screen shows it: in the hub's own words. */
export function refusalOf(error: unknown): string {
  return t('access.refused', { message: messageOf(error) });
}
