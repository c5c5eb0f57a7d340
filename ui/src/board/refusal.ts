import { ApiError } from '../lib/backend';
import { t } from '../lib/i18n/i18n.svelte';

/**
 * A refusal as the operator needs it. A collision with another operator's action
 * names who came first, in the reader's language, so they can talk to that person;
 * anything else is the hub's stable code, then its words.
 */
export function refusalText(error: unknown): string {
  if (error instanceof ApiError) return collision(error) ?? `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

function collision(error: ApiError): string | null {
  if (error.by === null) return null;
  switch (error.code) {
    case 'already_acknowledged':
      return t('refusal.alreadyAcknowledged', { by: error.by });
    case 'incident_closed':
      return t('refusal.alreadyClosed', { by: error.by });
    case 'wrong_status':
      return t('refusal.overtaken', { by: error.by });
    default:
      return null;
  }
}
